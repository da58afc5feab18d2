"""Accepted timestamp formats: strptime patterns and the exact shapes they accept.

Parsers are lenient in different ways (one accepts ``2024-1-5 1:2:3`` for
``%Y-%m-%d %H:%M:%S``, another rolls ``2024-02-30`` over to March). lakeline
accepts a value only when it has exactly the shape of one accepted format *and*
the engine parses it to a real calendar instant, so every engine agrees.
"""

from __future__ import annotations

import re

# strptime directive -> the exact text it must match.
_DIRECTIVES: dict[str, str] = {
    "Y": r"\d{4}",
    "y": r"\d{2}",
    "m": r"\d{2}",
    "d": r"\d{2}",
    "H": r"\d{2}",
    "I": r"\d{2}",
    "M": r"\d{2}",
    "S": r"\d{2}",
    "f": r"\d{1,6}",
    "p": r"(?:AM|PM|am|pm)",
    # An offset with hours below 24 and minutes below 60. Not the letter Z, which DuckDB's strptime
    # does not read for %z (docs/contracts.md says to add a format with a literal Z).
    "z": r"[+-](?:[01]\d|2[0-3]):?[0-5]\d",
    "b": r"[A-Za-z]{3}",
    "j": r"\d{3}",
    "%": "%",
}
DEFAULT_TIMESTAMP_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
)
DEFAULT_DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d",)


def format_to_regex(fmt: str) -> str:
    """Translate a strptime format into a regex that matches exactly its shape.

    Args:
        fmt: A strptime format such as ``"%Y-%m-%d %H:%M:%S"``.

    Returns:
        An anchored regular expression (``^...$``).

    Raises:
        ValueError: If the format uses a directive lakeline does not support.
    """
    out: list[str] = []
    for text, directive in _tokens(fmt):
        if not directive:
            out.append(re.escape(text))
        elif not text:
            raise ValueError(f"format {fmt!r} ends with a lone '%'")
        elif text not in _DIRECTIVES:
            supported = ", ".join(f"%{d}" for d in _DIRECTIVES)
            raise ValueError(f"format {fmt!r} uses %{text}; supported: {supported}")
        else:
            out.append(_DIRECTIVES[text])
    return "^" + "".join(out) + "$"


# Directives that cannot be read together: each pair says the same thing twice or half of it.
_CONFLICTS: tuple[tuple[str, str, str], ...] = (
    ("H", "I", "a 24-hour and a 12-hour clock"),
    ("H", "p", "a 24-hour clock with AM/PM"),
    ("j", "m", "a day of the year and a month"),
    ("j", "d", "a day of the year and a day of the month"),
    ("j", "b", "a day of the year and a month"),
    ("m", "b", "a month twice"),
    ("Y", "y", "the year twice"),
)


def check_format(fmt: str) -> None:
    """Refuse a format that a value could match with more than one meaning, or none.

    Raises:
        ValueError: For an unsupported directive (see :func:`format_to_regex`), a directive
            used twice, two that conflict, or a 12-hour clock without AM/PM (``07:00`` could
            be morning or evening).
    """
    format_to_regex(fmt)
    used = [text for text, directive in _tokens(fmt) if directive and text != "%"]
    repeated = sorted({d for d in used if used.count(d) > 1})
    if repeated:
        raise ValueError(f"format {fmt!r} uses %{repeated[0]} more than once")
    for first, second, what in _CONFLICTS:
        if first in used and second in used:
            raise ValueError(f"format {fmt!r} has both %{first} and %{second}: {what}")
    if "I" in used and "p" not in used:
        raise ValueError(f"format {fmt!r} has %I, a 12-hour clock, without %p: 07:00 could be AM or PM")


def _tokens(fmt: str) -> list[tuple[str, bool]]:
    """A format's pieces, in order: (directive letter, True) or (literal character, False).

    ``%%`` is the directive ``%``; a lone ``%`` at the end is the directive ``""``.
    """
    tokens, i = [], 0
    while i < len(fmt):
        if fmt[i] == "%":
            tokens.append((fmt[i + 1 : i + 2], True))
            i += 2
        else:
            tokens.append((fmt[i], False))
            i += 1
    return tokens


# Directives whose text always has the same width, and that width.
_FIXED_WIDTHS: dict[str, int] = {
    "Y": 4,
    "y": 2,
    "m": 2,
    "d": 2,
    "H": 2,
    "I": 2,
    "M": 2,
    "S": 2,
    "j": 3,
    "%": 1,
}


def fixed_width(fmt: str) -> int | None:
    r"""The exact length of every value in this format, or None if values vary in length.

    A value of this length that renders back to itself from the instant it
    holds has exactly the format's shape: this is how lakeline checks most values
    without the format's regular expression. The length alone is not enough, since
    strptime skips white space (``2024-01-05\t1:02:03`` is 19 characters long).
    """
    widths = [_FIXED_WIDTHS.get(text) if directive else 1 for text, directive in _tokens(fmt)]
    return None if None in widths else sum(w for w in widths if w is not None)


def has_zone(fmt: str) -> bool:
    """Whether a format carries a UTC offset (``%z``)."""
    return "%z" in fmt
