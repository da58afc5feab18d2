"""Build the Lambda deployment artifact from PyPI wheels and report its unzipped size.

Usage:
    python tools/package_lambda.py                 # Linux arm64, Python 3.12 (what we deploy)
    python tools/package_lambda.py --native        # this machine's platform (for the import test)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LAMBDA_LIMIT = 250 * 1024 * 1024  # unzipped, function code plus layers
TARGET = 120 * 1024 * 1024
# Not needed at run time: test suites, caches, type stubs and the packaging tools themselves.
AARCH64_PLATFORMS = ("manylinux2014_aarch64", *(f"manylinux_2_{minor}_aarch64" for minor in range(17, 35)))
STRIP_DIRS = ("__pycache__", "tests", "test", "testing")
# pygments is rich's syntax highlighter: the CLI's, and no handler imports rich at all.
STRIP_PACKAGES = ("pip", "setuptools", "wheel", "_distutils_hack", "pygments")
STRIP_SUFFIXES = (".pyc", ".pyi", ".pxd", ".pyx")


def build_wheel(out: Path) -> Path:
    """Build lakeline's own wheel."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(REPO)],
        check=True,
    )
    return next(out.glob("lakeline-*.whl"))


def install(wheel: Path, target: Path, native: bool, python: str) -> None:
    """Install the wheel and its dependencies into ``target``, from binary wheels only."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--only-binary=:all:"]
    command += ["--target", str(target)]
    if native:
        command += ["--constraint", str(REPO / "constraints.txt")]
    else:
        # Lambda's Python 3.12+ runtimes run on Amazon Linux 2023 (glibc 2.34): any wheel up to
        # manylinux_2_34 works there, and DuckDB publishes only manylinux_2_27/2_28 ARM wheels.
        for platform in AARCH64_PLATFORMS:
            command += ["--platform", platform]
        command += ["--implementation", "cp", "--python-version", python]
    subprocess.run([*command, str(wheel)], check=True)


def strip(target: Path) -> None:
    """Remove what a Lambda function never runs."""
    for name in STRIP_PACKAGES:
        for path in target.glob(f"{name}*"):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
    for path in sorted(target.rglob("*"), reverse=True):
        if path.is_dir() and path.name in STRIP_DIRS:
            shutil.rmtree(path, ignore_errors=True)
        elif path.is_file() and path.suffix in STRIP_SUFFIXES:
            path.unlink()
    # The project the functions load from LAMBDA_TASK_ROOT: the contracts, and the models the
    # workflow function plans (without them it would plan no builds at all).
    shutil.copytree(REPO / "datasets", target / "datasets", dirs_exist_ok=True)
    shutil.copytree(REPO / "sql" / "models", target / "sql" / "models", dirs_exist_ok=True)


def size_of(folder: Path) -> int:
    """Bytes of every file under a folder."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def package(out: Path, native: bool = False, python: str = "3.12", make_zip: bool = True) -> int:
    """Build the artifact folder (and zip); returns its unzipped size in bytes."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        install(build_wheel(Path(tmp)), out, native, python)
    strip(out)
    if make_zip:
        with zipfile.ZipFile(out.with_suffix(".zip"), "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(out))
    return size_of(out)


def main() -> None:
    """Build and report."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=REPO / "build" / "lambda")
    parser.add_argument("--native", action="store_true", help="build for this machine instead of Linux arm64")
    parser.add_argument("--python", default="3.12", help="Lambda's Python version (default 3.12)")
    args = parser.parse_args()
    size = package(args.out, native=args.native, python=args.python)
    mb = size / 1024 / 1024
    verdict = "OK" if size < LAMBDA_LIMIT else "OVER Lambda's 250 MB limit"
    aim = "within" if size < TARGET else "above"
    zipped = args.out.with_suffix(".zip").stat().st_size / 1024 / 1024
    print(f"artifact {args.out}: {mb:,.1f} MB unzipped ({zipped:,.1f} MB zipped)")
    print(f"{verdict} (limit 250 MB); {aim} the 120 MB aim")
    biggest = sorted(((size_of(p), p.name) for p in args.out.iterdir() if p.is_dir()), reverse=True)[:8]
    for bytes_, name in biggest:
        print(f"  {bytes_ / 1024 / 1024:7.1f} MB  {name}")
    if size >= LAMBDA_LIMIT:
        sys.exit(1)


if __name__ == "__main__":
    main()
