from __future__ import annotations

import json
from typing import Any

import pytest

from lakeline.core.objects import ObjectRef
from lakeline.events import InvalidEventPatternError, matches, pipeline_rules
from lakeline.events.s3 import object_created_event, object_from_event, object_from_record

EVENT: dict[str, Any] = {
    "source": "aws.s3",
    "detail-type": "Object Created",
    "detail": {
        "bucket": {"name": "lake"},
        "object": {"key": "raw/taxi/a.csv", "size": 1200, "etag": "abc"},
        "source-ip-address": "10.0.3.7",
        "tags": ["a", "b"],
        "empty": "",
        "nothing": None,
    },
}


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ({"bucket": {"name": ["lake"]}}, True),
        ({"bucket": {"name": ["other", "lake"]}}, True),
        ({"bucket": {"name": ["LAKE"]}}, False),
        ({"bucket": {"name": [{"equals-ignore-case": "LAKE"}]}}, True),
        ({"object": {"key": [{"prefix": "raw/"}]}}, True),
        ({"object": {"key": [{"prefix": {"equals-ignore-case": "RAW/"}}]}}, True),
        ({"object": {"key": [{"suffix": ".csv"}]}}, True),
        ({"object": {"key": [{"wildcard": "raw/*/*.csv"}]}}, True),
        ({"object": {"key": [{"wildcard": "curated/*"}]}}, False),
        ({"object": {"key": [{"anything-but": {"prefix": "curated/"}}]}}, True),
        ({"object": {"key": [{"anything-but": ["raw/taxi/a.csv"]}]}}, False),
        ({"object": {"size": [{"numeric": [">", 1000, "<=", 1200]}]}}, True),
        ({"object": {"size": [{"numeric": ["<", 1000]}]}}, False),
        ({"object": {"version-id": [{"exists": False}]}}, True),
        ({"object": {"etag": [{"exists": True}]}}, True),
        ({"source-ip-address": [{"cidr": "10.0.0.0/16"}]}, True),
        ({"source-ip-address": [{"cidr": "10.1.0.0/16"}]}, False),
        ({"tags": ["b"]}, True),
        ({"empty": [""]}, True),
        ({"nothing": [None]}, True),
        ({"$or": [{"object": {"size": [0]}}, {"bucket": {"name": ["lake"]}}]}, True),
        ({"missing": ["x"]}, False),
    ],
    ids=lambda value: json.dumps(value)[:60] if isinstance(value, dict) else str(value),
)
def test_pattern_matching(detail: dict[str, Any], expected: bool) -> None:
    assert matches({"source": ["aws.s3"], "detail": detail}, EVENT) is expected
    assert matches(json.dumps({"detail": detail}), json.dumps(EVENT)) is expected


@pytest.mark.parametrize(
    "pattern",
    [
        {},
        {"source": "aws.s3"},
        {"source": []},
        {"detail": {"size": [{"numeric": ["!", 5]}]}},
        {"detail": {"key": [{"prefx": "raw/"}]}},
        {"detail": {"ip": [{"cidr": "10.0.0.0/99"}]}},
        {"$or": [{"a": ["b"]}]},
    ],
    ids=str,
)
def test_invalid_patterns_are_refused(pattern: dict[str, Any]) -> None:
    with pytest.raises(InvalidEventPatternError):
        matches(pattern, EVENT)


def test_the_pipeline_rule_matches_raw_objects_of_its_bucket_only() -> None:
    (rule,) = pipeline_rules("lake")
    ref = ObjectRef("lake", "raw/taxi/a.csv", 10, "e1")

    assert matches(rule.pattern, object_created_event(ref))
    assert not matches(
        rule.pattern, object_created_event(ObjectRef("lake", "curated/taxi/a.parquet", 1, "e"))
    )
    assert not matches(rule.pattern, object_created_event(ObjectRef("other", "raw/taxi/a.csv", 1, "e")))


def test_object_created_events_round_trip_and_accept_motos_shape() -> None:
    ref = ObjectRef("lake", "raw/taxi/a b.csv", 10, "e1", version_id="v9")
    event = object_created_event(ref)
    assert event["detail"]["object"]["etag"] == "e1"
    assert object_from_event(event) == ObjectRef("lake", "raw/taxi/a b.csv", 10, "e1", "v9")

    event["detail"]["object"]["eTag"] = event["detail"]["object"].pop("etag")
    assert object_from_event(event).etag == "e1"


def test_s3_notification_keys_are_url_decoded() -> None:
    record = {
        "s3": {"bucket": {"name": "lake"}, "object": {"key": "raw/taxi/caf%C3%A9+trips.csv", "size": 5}}
    }
    assert object_from_record(record).key == "raw/taxi/café trips.csv"
