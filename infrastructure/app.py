"""The CDK app: `make synth` writes the dev and prod templates to cdk.out without AWS credentials."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import aws_cdk as cdk

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from lakeline_infra.config import ENVIRONMENTS  # noqa: E402
from lakeline_infra.nag import add_checks  # noqa: E402
from lakeline_infra.stack import LakelineStack  # noqa: E402

# Feature flags that `cdk.json` would set for the CLI; `python app.py` must pass them itself.
CONTEXT = {
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
    "@aws-cdk/aws-s3:createDefaultLoggingPolicy": True,
    "@aws-cdk/aws-iam:minimizePolicies": True,
}


def build(
    outdir: str | None = None, lambda_code: Path | None = None, context: dict[str, str] | None = None
) -> cdk.App:
    """The app with one stack per environment (synthesized by the caller).

    ``context`` adds to the feature flags what ``cdk -c KEY=VALUE`` would: the values of the
    ``${VAR}`` that HTTP sources' URLs use, for example.
    """
    app = cdk.App(outdir=outdir, context={**CONTEXT, **(context or {})})
    code = lambda_code or Path(os.environ.get("LAKELINE_LAMBDA_CODE", HERE.parent / "build" / "lambda"))
    for name, config in ENVIRONMENTS.items():
        LakelineStack(app, f"lakeline-{name}", config=config, lambda_code=code)
    add_checks(app)
    return app


if __name__ == "__main__":
    out = os.environ.get("CDK_OUTDIR", str(HERE / "cdk.out"))  # the CDK CLI sets CDK_OUTDIR
    assembly = build(outdir=out).synth()
    for stack in assembly.stacks:
        print(f"synthesized {stack.stack_name}: {stack.template_full_path}")
