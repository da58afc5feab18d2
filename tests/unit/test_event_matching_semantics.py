"""EventBridge content-filtering semantics, case by case, as AWS documents them."""

from __future__ import annotations

from typing import Any

import pytest

from lakeline.events import InvalidEventPatternError, matches

INSTANCE = "arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"
INSTANCE_EVENT: dict[str, Any] = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "111122223333",
    "time": "2017-12-22T18:43:48Z",
    "region": "us-west-1",
    "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    "detail": {
        "instance-id": "i-1234567890abcdef0",
        "state": "terminated",
        "c-count": 5,
        "d-count": 3,
        "x-limit": 301.8,
        "sourceIPAddress": "10.0.0.123",
        "ipv6": "2001:db8::ff00:42:8329",
        "eventVersion": "",
        "responseElements": None,
        "nested": {"c1": 100},
        "tags": ["prod", "blue"],
        "file": "logs/app/lib/run.PNG",
        "star": "a*b",
    },
}


def detail(**fields: Any) -> dict[str, Any]:
    return {"detail": fields}


CASES: list[tuple[str, dict[str, Any], bool]] = [
    # exact values: OR within the array, AND across fields
    ("exact", {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}, True),
    ("exact-or", {"detail": {"state": ["running", "terminated"]}}, True),
    ("exact-and-fails", {"source": ["aws.ec2"], "region": ["us-east-1"]}, False),
    ("case-sensitive", {"source": ["AWS.EC2"]}, False),
    ("number", detail(**{"c-count": [5]}), True),
    ("number-not-string", detail(**{"c-count": ["5"]}), False),
    ("empty-string", detail(eventVersion=[""]), True),
    ("null", detail(responseElements=[None]), True),
    ("null-is-not-empty", detail(responseElements=[""]), False),
    ("empty-is-not-null", detail(eventVersion=[None]), False),
    # arrays in events: the intersection must be non-empty
    ("array-intersection", detail(tags=["green", "blue"]), True),
    ("array-disjoint", detail(tags=["green"]), False),
    ("resources-array", {"resources": [INSTANCE]}, True),
    # prefix / suffix / ignore-case / wildcard
    ("prefix", {"time": [{"prefix": "2017-12-22"}]}, True),
    ("prefix-miss", {"time": [{"prefix": "2018"}]}, False),
    ("prefix-ignore-case", detail(state=[{"prefix": {"equals-ignore-case": "TERM"}}]), True),
    ("suffix", detail(file=[{"suffix": ".PNG"}]), True),
    ("suffix-case", detail(file=[{"suffix": ".png"}]), False),
    ("suffix-ignore-case", detail(file=[{"suffix": {"equals-ignore-case": ".png"}}]), True),
    ("equals-ignore-case", detail(state=[{"equals-ignore-case": "TERMINATED"}]), True),
    ("wildcard", detail(file=[{"wildcard": "logs/*/lib/*"}]), True),
    ("wildcard-miss", detail(file=[{"wildcard": "logs/*/bin/*"}]), False),
    ("wildcard-escaped-star", detail(star=[{"wildcard": "a\\*b"}]), True),
    ("wildcard-escaped-star-literal", detail(star=[{"wildcard": "a\\*c"}]), False),
    ("prefix-on-number", detail(**{"c-count": [{"prefix": "5"}]}), False),
    # anything-but
    ("anything-but", detail(state=[{"anything-but": "initializing"}]), True),
    ("anything-but-self", detail(state=[{"anything-but": "terminated"}]), False),
    ("anything-but-list", detail(state=[{"anything-but": ["stopped", "terminated"]}]), False),
    ("anything-but-number", detail(**{"x-limit": [{"anything-but": [100, 200, 300]}]}), True),
    ("anything-but-prefix", detail(state=[{"anything-but": {"prefix": "init"}}]), True),
    ("anything-but-suffix", detail(file=[{"anything-but": {"suffix": ".PNG"}}]), False),
    (
        "anything-but-ignore-case",
        detail(state=[{"anything-but": {"equals-ignore-case": "TERMINATEd"}}]),
        False,
    ),
    ("anything-but-wildcard", detail(file=[{"anything-but": {"wildcard": "*/lib/*"}}]), False),
    ("anything-but-missing-field", detail(nope=[{"anything-but": "x"}]), False),
    ("anything-but-array-element", detail(tags=[{"anything-but": "prod"}]), True),
    # numeric
    ("numeric-range", detail(**{"c-count": [{"numeric": [">", 0, "<=", 5]}]}), True),
    ("numeric-open", detail(**{"d-count": [{"numeric": ["<", 10]}]}), True),
    ("numeric-equals", detail(**{"x-limit": [{"numeric": ["=", 3.018e2]}]}), True),
    ("numeric-excluded-bound", detail(**{"c-count": [{"numeric": [">", 5]}]}), False),
    ("numeric-on-string", detail(state=[{"numeric": [">", 0]}]), False),
    # exists
    ("exists-true", detail(state=[{"exists": True}]), True),
    ("exists-false-missing", detail(**{"e-count": [{"exists": False}]}), True),
    ("exists-false-present", detail(state=[{"exists": False}]), False),
    ("exists-false-on-object", detail(nested=[{"exists": False}]), True),  # only leaves exist
    ("exists-true-on-object", detail(nested=[{"exists": True}]), False),
    ("exists-true-on-null", detail(responseElements=[{"exists": True}]), True),
    # cidr
    ("cidr-v4", detail(sourceIPAddress=[{"cidr": "10.0.0.0/24"}]), True),
    ("cidr-v4-miss", detail(sourceIPAddress=[{"cidr": "10.0.1.0/24"}]), False),
    ("cidr-v6", detail(ipv6=[{"cidr": "2001:db8::/32"}]), True),
    ("cidr-not-an-ip", detail(state=[{"cidr": "10.0.0.0/8"}]), False),
    # nested and $or
    ("nested", detail(nested={"c1": [100]}), True),
    ("nested-on-leaf", detail(state={"x": ["y"]}), False),
    ("or-top", {"$or": [{"source": ["aws.s3"]}, {"detail": {"state": ["terminated"]}}]}, True),
    ("or-none", {"$or": [{"source": ["aws.s3"]}, {"region": ["eu-west-1"]}]}, False),
    ("or-nested", detail(**{"$or": [{"c-count": [{"numeric": [">", 10]}]}, {"d-count": [3]}]}), True),
    ("or-and", {"source": ["aws.ec2"], "$or": [{"region": ["us-west-1"]}, {"account": ["0"]}]}, True),
]


@pytest.mark.parametrize(("pattern", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_content_filtering(pattern: dict[str, Any], expected: bool) -> None:
    assert matches(pattern, INSTANCE_EVENT) is expected


INVALID: list[tuple[str, Any, str]] = [
    ("not-object", ["aws.ec2"], "must be a JSON object"),
    ("not-json", "{nope", "not valid JSON"),
    ("leaf-not-array", {"source": "aws.ec2"}, "must be an array or a JSON object"),
    ("empty-array", {"source": []}, "Empty arrays are not allowed"),
    ("unknown-operator", detail(state=[{"contains": "x"}]), "Unrecognized match type contains"),
    ("two-operators", detail(state=[{"prefix": "a", "suffix": "b"}]), "Invalid matcher"),
    ("numeric-operator", detail(n=[{"numeric": ["!=", 1]}]), "Unrecognized numeric range operator"),
    ("numeric-value", detail(n=[{"numeric": [">", "1"]}]), "must be a number"),
    ("numeric-range-order", detail(n=[{"numeric": [">", 5, "<", 1]}]), "Bad numeric range"),
    ("exists-not-bool", detail(n=[{"exists": "yes"}]), "must be true or false"),
    ("cidr-bad", detail(ip=[{"cidr": "300.0.0.0/8"}]), "Malformed CIDR"),
    ("anything-but-mixed", detail(s=[{"anything-but": ["a", 1]}]), "only strings or only numbers"),
    ("anything-but-object", detail(s=[{"anything-but": {"contains": "a"}}]), "Unsupported anything-but"),
    ("wildcard-consecutive", detail(s=[{"wildcard": "a**b"}]), "Consecutive wildcard"),
    ("or-single", {"$or": [{"source": ["a"]}]}, "at least 2"),
]


@pytest.mark.parametrize(("pattern", "message"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_patterns_say_what_is_wrong(pattern: Any, message: str) -> None:
    with pytest.raises(InvalidEventPatternError, match=message):
        matches(pattern, INSTANCE_EVENT)
