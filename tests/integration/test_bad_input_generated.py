"""Bad input, generated: arbitrary bytes and hostile text never crash, lose a row or go unexplained.

Property-based tests (hypothesis) feed the processing use case arbitrary bytes and CSV-like text
built from the characters that break parsers; a corpus covers the named cases (encodings,
embedded newlines, huge fields, gzip bombs, deep or duplicate JSON, out-of-range numbers, NaN,
zones, empty files and hostile object keys). Every outcome must be processed or rejected, keep
rows in = kept + quarantined, and give every rejected file and every quarantined row a reason.
"""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakeline.core.ledger import Status
from lakeline.errors import InvalidKeyError
from lakeline.runtime.local import LocalRuntime
from lakeline.usecases.landing import land

from .helpers import ingest, make_runtime, rows
from .test_bad_input import HEADER, contract

COUNTER = itertools.count()
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check(runtime: LocalRuntime, tmp_path: Path, content: bytes, suffix: str = ".csv") -> Any:
    """Process ``content`` as a new object; assert the invariants; return its ledger entry."""
    path = tmp_path / f"in{next(COUNTER)}{suffix}"
    path.write_bytes(content)
    entry = ingest(runtime, path, "payments").entry
    assert entry is not None
    assert entry.status in (Status.PROCESSED, Status.REJECTED), entry.error
    assert entry.rows_in == entry.rows_kept + entry.rows_quarantined
    if entry.status is Status.REJECTED:
        assert entry.error, "a rejected file must say why"
    return entry


@pytest.fixture
def payments(tmp_path: Path) -> LocalRuntime:
    return make_runtime(tmp_path / "project", contract())


@FAST
@given(content=st.binary(max_size=2000))
def test_arbitrary_bytes_are_processed_or_rejected_with_a_reason(
    payments: LocalRuntime, tmp_path: Path, content: bytes
) -> None:
    check(payments, tmp_path, content)


HOSTILE = st.sampled_from(
    [
        '"',
        ",",
        "\n",
        "\r\n",
        "\\",
        "'",
        "\t",
        " ",
        "é",
        "😀",
        "\u2028",
        "1",
        "2024-01-01 00:00:00",
        "1e400",
        "NaN",
        "-0",
        "9" * 30,
        "",
        "NULL",
    ]
)
FIELD = st.lists(HOSTILE, max_size=6).map("".join)


@FAST
@given(lines=st.lists(st.lists(FIELD, max_size=5), max_size=12))
def test_csv_built_from_parser_breaking_characters_loses_no_row(
    payments: LocalRuntime, tmp_path: Path, lines: list[list[str]]
) -> None:
    body = "".join(",".join(fields) + "\n" for fields in lines)
    entry = check(payments, tmp_path, (HEADER + body).encode("utf-8"))
    if entry.status is Status.PROCESSED and entry.rows_quarantined:
        unexplained = rows(
            payments, "SELECT count(*) FROM payments_quarantine WHERE cardinality(reasons) = 0"
        )
        assert unexplained == [(0,)]


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9)


def _bomb(header: bytes, gib: float) -> bytes:
    """A gzip stream of ``header`` and then ``gib`` GiB of empty lines, built without holding them."""
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip container
    parts, chunk = [packer.compress(header)], b"\n" * 1024**2
    parts += [packer.compress(chunk) for _ in range(int(gib * 1024))]
    return b"".join([*parts, packer.flush()])


CORPUS: list[tuple[str, bytes, str | None]] = [
    # (case, content, a reason the ledger or the quarantine must give; None: valid rows)
    ("latin-1", (HEADER + "1,2024-01-01 00:00:00,1.00\n2,2024-01-01 00:00:00,caf\xe9\n").encode("latin-1"),
     "not utf-8"),
    ("utf-16 with BOM", (HEADER + "1,2024-01-01 00:00:00,1.00\n").encode("utf-16"), "binary"),
    # A valid CSV whose quoted field holds a line break, a delimiter and a quote: read, not rejected.
    ("embedded newline, quote and delimiter", (HEADER + '1,2024-01-01 00:00:00,"1\n,""2"\n').encode(),
     "amount"),
    ("ragged rows", (HEADER + "1,2024-01-01 00:00:00\n2,2024-01-01 00:00:00,1.00,extra,more\n").encode(),
     None),
    ("huge field", (HEADER + "1,2024-01-01 00:00:00," + "9" * 3_000_000 + "\n").encode(), None),
    ("numbers out of range", (HEADER + "99999999999999999999,2024-01-01 00:00:00,1e400\n").encode(), "id"),
    ("NaN and infinity", (HEADER + "1,2024-01-01 00:00:00,NaN\n2,2024-01-01 00:00:00,inf\n").encode(),
     "amount"),
    ("timestamp with a zone", (HEADER + "1,2024-01-01T00:00:00+02:00,1.00\n").encode(), "at"),
    ("empty", b"", "empty"),
    ("header only", HEADER.encode(), None),
    ("gzip bomb", b"bomb", "decompression bomb"),  # built in the test: it takes a few seconds
]  # fmt: skip


@pytest.mark.parametrize(("content", "reason"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_the_corpus_of_bad_input(
    payments: LocalRuntime, tmp_path: Path, content: bytes, reason: str | None
) -> None:
    if content == b"bomb":
        content = _bomb(HEADER.encode(), 1.2)  # 1.2 GiB of empty lines in about 1 MB
    entry = check(payments, tmp_path, content, ".csv.gz" if content[:2] == b"\x1f\x8b" else ".csv")
    if reason is None:
        return
    said = (entry.error or "") + " ".join(
        r for (rs,) in rows(payments, "SELECT reasons FROM payments_quarantine") for r in rs
    )  # fmt: skip
    assert reason in said


def test_deep_and_duplicate_key_json_is_quarantined_or_read_never_crashes(tmp_path: Path) -> None:
    runtime = make_runtime(tmp_path / "project", contract("jsonl"))
    deep = '{"x": ' * 5000 + "1" + "}" * 5000
    lines = ['{"id": 1, "at": "2024-01-01 00:00:00", "amount": "1.00", "deep": ' + deep + "}",
             '{"id": 2, "id": 3, "at": "2024-01-01 00:00:00", "amount": "2.00"}',
             '{"id": 4, "at": "2024-01-01 00:00:00", "amount": ' + "[" * 3000 + "]" * 3000 + "}"]  # fmt: skip
    path = tmp_path / "deep.jsonl"
    path.write_text("\n".join(lines) + "\n")
    entry = ingest(runtime, path, "payments").entry
    assert entry is not None and entry.rows_in == entry.rows_kept + entry.rows_quarantined
    assert entry.status is Status.REJECTED or entry.rows_in == 3


@pytest.mark.parametrize("key", ["../escape.csv", "/etc/passwd", "a/../../b.csv", "./x.csv", "a//b.csv",
                                 "tab\there.csv", "x" * 1100 + ".csv"])  # fmt: skip
def test_keys_that_would_leave_the_lake_are_refused(payments: LocalRuntime, tmp_path: Path, key: str) -> None:
    path = tmp_path / "f.csv"
    path.write_text(HEADER)
    with pytest.raises(InvalidKeyError):
        payments.store.put_file(f"raw/payments/{key}", path)
    assert not (payments.settings.lake_root.parent / "escape.csv").exists()


@pytest.mark.parametrize("name", ["späße ünïcode.csv", "with spaces.csv", "n" * 200 + ".csv"])
def test_unicode_spaces_and_long_names_are_processed(
    payments: LocalRuntime, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_text(HEADER + "1,2024-01-01 00:00:00,1.00\n")
    obj = land(path, "payments", payments.contracts, payments.store)
    entry = ingest(payments, path, "payments").entry
    assert obj.key.endswith(name) and entry is not None and entry.rows_kept == 1


@pytest.mark.parametrize(
    "key", ["raw/../curated/x.csv", "/raw/x.csv", "raw//x.csv", "raw/./x.csv", "raw/x\x00.csv"]
)
def test_the_s3_store_refuses_keys_that_leave_their_zone(tmp_path: Path, key: str) -> None:
    import boto3
    from moto import mock_aws

    from lakeline.adapters.aws.s3_object_store import S3ObjectStore

    path = tmp_path / "f.csv"
    path.write_text(HEADER)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="lake")
        store = S3ObjectStore("lake", client, tmp_path)
        for call in (lambda: store.put_file(key, path), lambda: store.head(key), lambda: store.delete(key)):
            with pytest.raises(InvalidKeyError):
                call()
        assert client.list_objects_v2(Bucket="lake").get("KeyCount") == 0


def test_an_event_naming_a_key_outside_raw_is_refused_and_writes_nothing(payments: LocalRuntime) -> None:
    from lakeline.core.objects import ObjectRef
    from lakeline.entrypoints.object_events import handle_object_created
    from lakeline.events.s3 import object_created_event
    from lakeline.usecases.process_object import Outcome

    bucket = payments.settings.bucket
    event = object_created_event(ObjectRef(bucket, "raw/payments/../../curated/payments/x.csv", 10, "e"))
    with pytest.raises(InvalidKeyError):
        handle_object_created(event, payments.deps)
    local = payments.on_object_created(event)  # the local bus: this delivery fails, the others go on
    assert local.outcome is Outcome.FAILED and "raw/payments/../../curated" in local.detail
    assert not list(payments.settings.lake_root.rglob("*.parquet"))
    assert payments.ledger.entries() == []


def test_the_http_client_fetches_and_follows_only_http() -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from lakeline.adapters.local.http_client import UnsafeUrlError, UrllibHttpClient

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1:9/etc/passwd")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = UrllibHttpClient()
    try:
        with pytest.raises(UnsafeUrlError, match="only http and https are followed"):
            client.get(f"http://127.0.0.1:{server.server_port}/page", {}, {}, 5)
        for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "/relative/next"):
            with pytest.raises(UnsafeUrlError, match="only absolute http and https"):
                client.get(url, {}, {}, 5)
    finally:
        server.shutdown()


def test_a_rewrite_clears_only_its_own_old_temporary(payments: LocalRuntime, tmp_path: Path) -> None:
    import os
    import time

    folder = payments.settings.lake_root / "raw" / "payments"
    folder.mkdir(parents=True)
    mine_old, mine_new, other = (folder / f".tmp-{'a' * 32}-b.csv", folder / f".tmp-{'c' * 32}-b.csv",
                                 folder / f".tmp-{'d' * 32}-a-b.csv")  # fmt: skip
    for path in (mine_old, mine_new, other):
        path.write_text("half")
    past = time.time() - 3600
    for path in (mine_old, other):
        os.utime(path, (past, past))
    source = tmp_path / "b.csv"
    source.write_text(HEADER)

    payments.store.put_file("raw/payments/b.csv", source)

    assert not mine_old.exists()  # a dead writer's, of this key
    assert mine_new.exists() and other.exists()  # a live writer's; another key's
