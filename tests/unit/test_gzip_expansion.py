"""The gzip bound check, and the decompressed copy it leaves for the engine when there is room."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from lakeline.core.contracts import parse_contract
from lakeline.core.sniff import FileRejectedError, check_expansion, sniff

TEXT = b"id,at\n" + b"".join(b"%d,2024-01-01 00:00:00\n" % i for i in range(20_000))
CONTRACT = parse_contract(
    {
        "name": "events",
        "source": {"format": "csv"},
        "event_time": "at",
        "columns": [{"name": "id", "type": "int"}, {"name": "at", "type": "timestamp", "required": True}],
    },
    "test",
)


@pytest.fixture
def gz(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv.gz"
    path.write_bytes(gzip.compress(TEXT))
    return path


def test_within_the_budget_the_plain_bytes_are_left_for_the_engine(gz: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"

    total = check_expansion(gz, plain_to=plain, budget=len(TEXT))

    assert total == len(TEXT)
    assert plain.read_bytes() == TEXT


def test_past_the_budget_no_copy_is_left_but_the_whole_stream_is_checked(gz: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"

    total = check_expansion(gz, plain_to=plain, budget=len(TEXT) - 1)

    assert total == len(TEXT)
    assert not plain.exists()


def test_a_bomb_or_a_corrupt_stream_leaves_no_copy(gz: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    with pytest.raises(FileRejectedError, match="decompression bomb"):
        check_expansion(gz, max_ratio=2, floor=1, plain_to=plain, budget=10 * len(TEXT))
    assert not plain.exists()

    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(gz.read_bytes()[:-200])
    with pytest.raises(FileRejectedError, match="gzip stream is corrupt"):
        check_expansion(broken, plain_to=plain, budget=10 * len(TEXT))
    assert not plain.exists()


def test_sniff_hands_over_the_copy_or_the_gzip_object(gz: Path, tmp_path: Path) -> None:
    roomy = sniff(gz, CONTRACT, plain_to=tmp_path / "plain", budget=len(TEXT))
    cramped = sniff(gz, CONTRACT, plain_to=tmp_path / "other", budget=100)

    assert (roomy.gzip, roomy.plain, roomy.header) == (False, tmp_path / "plain", ("id", "at"))
    assert (cramped.gzip, cramped.plain, cramped.header) == (True, None, ("id", "at"))
