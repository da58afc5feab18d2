"""EventBridge event-pattern matching (content filtering) without AWS.

Semantics follow AWS's documentation for event patterns: a pattern is a JSON
object whose leaves are arrays of matchers; a field matches when any matcher
in its array matches the field's value, or any element of it if the value is
an array; every field of the pattern must match. Matchers are literal values
(strings, numbers, booleans, null) or one-key objects: ``prefix``, ``suffix``,
``equals-ignore-case``, ``wildcard``, ``anything-but``, ``numeric``,
``exists`` and ``cidr``. ``$or`` lists alternative sub-patterns.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from typing import Any

from lakeline.errors import EventError

_MISSING = object()
_NUMERIC_OPS = {"=", "<", "<=", ">", ">="}
_LIMIT = 5e9  # AWS: numeric matching is for values between -5e9 and 5e9


class InvalidEventPatternError(EventError):
    """An event pattern that EventBridge would refuse."""


def _load(value: Mapping[str, Any] | str, what: str) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            if what == "pattern":
                raise InvalidEventPatternError(f"Event pattern is not valid JSON: {exc}") from None
            raise EventError(f"event is not valid JSON: {exc}") from None
    return value


def matches(pattern: Mapping[str, Any] | str, event: Mapping[str, Any] | str) -> bool:
    """Whether an event matches an EventBridge event pattern.

    Args:
        pattern: The pattern, as a dict or JSON text.
        event: The event, as a dict or JSON text.

    Raises:
        InvalidEventPatternError: If the pattern is not a valid event pattern.
    """
    pat = _load(pattern, "pattern")
    evt = _load(event, "event")
    validate_pattern(pat)
    return _match_object(pat, evt)


def validate_pattern(pattern: Any, path: str = "") -> None:
    """Check a pattern's structure and operators.

    Raises:
        InvalidEventPatternError: With the path of the offending field.
    """
    if not isinstance(pattern, dict):
        raise InvalidEventPatternError(f"Event pattern{_at(path)} must be a JSON object")
    if not pattern and not path:
        raise InvalidEventPatternError("Event pattern must not be empty")
    for key, value in pattern.items():
        where = f"{path}.{key}" if path else key
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise InvalidEventPatternError(f"$or{_at(path)} must be an array of at least 2 patterns")
            for i, sub in enumerate(value):
                validate_pattern(sub, f"{where}[{i}]")
        elif isinstance(value, dict):
            validate_pattern(value, where)
        elif isinstance(value, list):
            if not value:
                raise InvalidEventPatternError(f"Empty arrays are not allowed in event patterns: {where}")
            for matcher in value:
                _validate_matcher(matcher, where)
        else:
            raise InvalidEventPatternError(
                f"Match value of field {where} must be an array or a JSON object, got {json.dumps(value)}"
            )


def _at(path: str) -> str:
    return f" at {path}" if path else ""


def _validate_matcher(matcher: Any, where: str) -> None:
    if matcher is None or isinstance(matcher, str | int | float | bool):
        return
    if not isinstance(matcher, dict) or len(matcher) != 1:
        raise InvalidEventPatternError(f"Invalid matcher for field {where}: {json.dumps(matcher)}")
    ((op, arg),) = matcher.items()
    if op in ("prefix", "suffix"):
        if isinstance(arg, dict) and set(arg) == {"equals-ignore-case"}:
            arg = arg["equals-ignore-case"]
        if not isinstance(arg, str):
            raise InvalidEventPatternError(f"{op} match pattern for {where} must be a string")
    elif op in ("equals-ignore-case", "wildcard"):
        if not isinstance(arg, str):
            raise InvalidEventPatternError(f"{op} match pattern for {where} must be a string")
        if op == "wildcard":
            _validate_wildcard(arg, where)
    elif op == "exists":
        if not isinstance(arg, bool):
            raise InvalidEventPatternError(f"exists match pattern for {where} must be true or false")
    elif op == "numeric":
        _validate_numeric(arg, where)
    elif op == "cidr":
        try:
            ipaddress.ip_network(arg, strict=False)
        except (TypeError, ValueError):
            raise InvalidEventPatternError(f"Malformed CIDR for {where}: {json.dumps(arg)}") from None
    elif op == "anything-but":
        _validate_anything_but(arg, where)
    else:
        raise InvalidEventPatternError(f"Unrecognized match type {op} for field {where}")


def _validate_wildcard(pattern: str, where: str) -> None:
    if "**" in pattern.replace("\\*", ""):
        raise InvalidEventPatternError(
            f"Consecutive wildcard characters at {where} are not allowed: {pattern!r}"
        )


def _validate_numeric(arg: Any, where: str) -> None:
    if not isinstance(arg, list) or len(arg) not in (2, 4):
        raise InvalidEventPatternError(
            f"numeric match for {where} needs [op, value] or [op, value, op, value]"
        )
    for op, value in zip(arg[::2], arg[1::2], strict=True):
        if op not in _NUMERIC_OPS:
            raise InvalidEventPatternError(f"Unrecognized numeric range operator {op!r} for {where}")
        if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > _LIMIT:
            raise InvalidEventPatternError(f"Value of {op} for {where} must be a number between -5e9 and 5e9")
    if len(arg) == 4 and (arg[0] not in (">", ">=") or arg[2] not in ("<", "<=") or arg[1] >= arg[3]):
        raise InvalidEventPatternError(f"Bad numeric range for {where}: {json.dumps(arg)}")


def _validate_anything_but(arg: Any, where: str) -> None:
    if isinstance(arg, dict):
        if len(arg) != 1 or next(iter(arg)) not in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
            raise InvalidEventPatternError(f"Unsupported anything-but pattern for {where}: {json.dumps(arg)}")
        value = next(iter(arg.values()))
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str) for v in values):
            raise InvalidEventPatternError(f"anything-but {next(iter(arg))} for {where} takes strings")
    elif isinstance(arg, list):
        strings = all(isinstance(v, str) for v in arg)
        numbers = all(_is_number(v) for v in arg)
        if not arg or not (strings or numbers):
            raise InvalidEventPatternError(
                f"anything-but list for {where} must hold only strings or only numbers: {json.dumps(arg)}"
            )
    elif not isinstance(arg, str | int | float) or isinstance(arg, bool):
        raise InvalidEventPatternError(f"Unsupported anything-but value for {where}: {json.dumps(arg)}")


def _match_object(pattern: Mapping[str, Any], event: Any) -> bool:
    for key, spec in pattern.items():
        if key == "$or":
            if not any(_match_object(sub, event) for sub in spec):
                return False
            continue
        value = event.get(key, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(spec, dict):
            candidates = value if isinstance(value, list) else [value]
            if not any(isinstance(c, dict) and _match_object(spec, c) for c in candidates):
                return False
        elif not _match_field(spec, value):
            return False
    return True


def _match_field(matchers: list[Any], value: Any) -> bool:
    for matcher in matchers:
        if isinstance(matcher, dict) and "exists" in matcher:
            # Only leaves exist: an object (or an empty array) is not a value of the field.
            exists = value is not _MISSING and not isinstance(value, dict) and value != []
            if exists == matcher["exists"]:
                return True
            continue
        if value is _MISSING:
            continue
        values = value if isinstance(value, list) else [value]
        if any(_match_value(matcher, v) for v in values):
            return True
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        return float(a) == float(b)
    return type(a) is type(b) and a == b


def _match_value(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, dict):
        return _equal(matcher, value)
    ((op, arg),) = matcher.items()
    if op in ("prefix", "suffix"):
        if not isinstance(value, str):
            return False
        fold = isinstance(arg, dict)
        text, needle = (value.lower(), arg["equals-ignore-case"].lower()) if fold else (value, arg)
        return text.startswith(needle) if op == "prefix" else text.endswith(needle)
    if op == "equals-ignore-case":
        return isinstance(value, str) and value.casefold() == arg.casefold()
    if op == "wildcard":
        return isinstance(value, str) and _wildcard(arg).fullmatch(value) is not None
    if op == "numeric":
        return _is_number(value) and all(
            _compare(value, o, v) for o, v in zip(arg[::2], arg[1::2], strict=True)
        )
    if op == "cidr":
        return _in_cidr(value, arg)
    if op == "anything-but":
        return _anything_but(arg, value)
    return False


def _compare(value: float, op: str, bound: float) -> bool:
    return {
        "=": value == bound,
        "<": value < bound,
        "<=": value <= bound,
        ">": value > bound,
        ">=": value >= bound,
    }[op]


def _wildcard(pattern: str) -> re.Pattern[str]:
    r"""``*`` matches any characters; ``\*`` is a literal asterisk and ``\\`` a backslash."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*\\":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "*" else re.escape(char))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def _in_cidr(value: Any, cidr: str) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


def _anything_but(arg: Any, value: Any) -> bool:
    if isinstance(arg, dict):
        ((op, needle),) = arg.items()
        needles = needle if isinstance(needle, list) else [needle]
        if not isinstance(value, str):
            return False
        return not any(_match_value({op: n}, value) for n in needles)
    excluded = arg if isinstance(arg, list) else [arg]
    return not any(_equal(e, value) for e in excluded)
