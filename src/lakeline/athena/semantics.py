"""Rewrites that give Athena's answer on DuckDB where the two engines' functions differ.

Each rewrite takes a node of a typed Athena tree (see ``transpile._typed``) and returns the node
that DuckDB must run instead. A reviewer compared both engines against Trino's documentation;
each rewrite here names the difference it removes, and tests/golden/athena holds the cases.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from lakeline.errors import QueryError

INTEGER_PRECISIONS = {
    exp.DataType.Type.TINYINT: 3,
    exp.DataType.Type.SMALLINT: 5,
    exp.DataType.Type.INT: 10,
    exp.DataType.Type.BIGINT: 19,
}  # integer type -> its precision as a decimal, as Trino widens it for decimal arithmetic
_DECIMAL_DIGITS = 38


def _duckdb(sql: str, **nodes: exp.Expression) -> exp.Expression:
    """A DuckDB expression with ``{name}`` placeholders replaced by the given subtrees."""
    tree = sqlglot.parse_one(sql.format(**{k: f"__{k}__" for k in nodes}), read="duckdb")
    return tree.transform(
        lambda n: nodes[n.name[2:-2]].copy() if isinstance(n, exp.Column) and n.name[2:-2] in nodes else n
    )


def _bare(node: exp.Expression) -> exp.Expression:
    """The expression inside any parentheses and unary minus (they change no type)."""
    while isinstance(node, exp.Paren | exp.Neg):
        node = node.this
    return node


def _literal_decimal(text: str, point: bool = True) -> tuple[int, int] | None:
    """(precision, scale) of a decimal written as ``text`` (``1.50`` is (3, 2)); None if it is not one.

    Args:
        text: The literal.
        point: Whether it needs a decimal point (a numeric literal without one is an integer).
    """
    match = re.fullmatch(r"[+-]?(\d*)\.(\d*)" if point else r"[+-]?(\d*)(?:\.(\d*))?", text)
    if match is None:
        return None
    whole, fraction = match.group(1), match.group(2) or ""
    return max(len(whole.lstrip("0")) + len(fraction), 1), len(fraction)


def _decimal_of(node: exp.Expression) -> tuple[int, int] | None:
    """(precision, scale) of a decimal or integer expression, as Trino types it; else None."""
    node = _bare(node)
    if isinstance(node, exp.Literal) and not node.is_string:
        # Athena reads 1.50 as decimal(3,2) (and 1e2 as a double), whatever sqlglot infers.
        written = _literal_decimal(node.name)
        if written is not None:
            return written
    if isinstance(node, exp.Window):
        return _decimal_of(node.this)
    if isinstance(node, exp.Count):
        return INTEGER_PRECISIONS[exp.DataType.Type.BIGINT], 0
    if isinstance(node, exp.Sum):  # Trino: sum of a decimal(p,s) is decimal(38,s); of integers, bigint
        summed = _decimal_of(node.this)
        return None if summed is None else ((_DECIMAL_DIGITS if summed[1] else 19), summed[1])
    if isinstance(node, exp.Mul | exp.Add | exp.Sub):
        return _arithmetic(node)
    kind = node.type
    if kind is None:
        return None
    if kind.this in INTEGER_PRECISIONS:
        return INTEGER_PRECISIONS[kind.this], 0
    if kind.this is exp.DataType.Type.DECIMAL:
        params = [int(p.name) for p in kind.expressions] if kind.expressions else [_DECIMAL_DIGITS, 0]
        return (params[0], params[1] if len(params) > 1 else 0)
    return None


def _arithmetic(node: exp.Mul | exp.Add | exp.Sub) -> tuple[int, int] | None:
    """Trino's decimal type of a product, sum or difference (None if a side is not exact)."""
    left, right = _decimal_of(node.this), _decimal_of(node.expression)
    if left is None or right is None:
        return None
    (p1, s1), (p2, s2) = left, right
    if isinstance(node, exp.Mul):
        return min(_DECIMAL_DIGITS, p1 + p2), s1 + s2
    scale = max(s1, s2)
    return min(_DECIMAL_DIGITS, max(p1 - s1, p2 - s2) + scale + 1), scale


def exact_division(node: exp.Expression) -> exp.Expression:
    """Integer and decimal division as Trino does it, exactly.

    - integers: truncated toward zero (DuckDB's ``/`` gives a double, which loses digits past 2^53);
    - decimals: a decimal of scale max(s1, s2), rounded half up (DuckDB gives a double).

    Dividing by zero is an error in Athena, not NULL.
    """
    if not isinstance(node, exp.Div):
        return node
    left, right = _decimal_of(node.this), _decimal_of(node.expression)
    if left is None or right is None:
        return node
    a, b = node.this, node.expression
    if _is_integer(a) and _is_integer(b):
        whole = _duckdb("CASE WHEN {b} = 0 THEN error('Division by zero') ELSE {a} // {b} END", a=a, b=b)
        whole.type = exp.DataType.build("BIGINT")
        return whole
    (p1, s1), (_, s2) = left, right
    scale = max(s1, s2)
    precision = min(_DECIMAL_DIGITS, p1 + s2 + max(0, s2 - s1))
    if precision + scale + 1 > _DECIMAL_DIGITS or p1 + s2 + scale > _DECIMAL_DIGITS:
        return node  # too wide to divide exactly in a HUGEINT: DuckDB's double stands (docs/quality)
    # Unscaled integers: a = A / 10^s1, b = B / 10^s2, and the result R / 10^scale, where
    # R = round_half_up(A * 10^(s2 + scale) / (B * 10^s1)).
    numerator = _duckdb(f"CAST({{a}} * {10**s1} AS HUGEINT) * {10 ** (s2 + scale)}", a=a)
    denominator = _duckdb(f"CAST({{b}} * {10**s2} AS HUGEINT) * {10**s1}", b=b)
    unit = "1" if scale == 0 else "0." + "0" * (scale - 1) + "1"
    exact = _duckdb(
        "CASE WHEN {d} = 0 THEN error('Division by zero') ELSE "
        f"CAST(CAST(sign({{n}}) * sign({{d}}) * ((abs({{n}}) * 2 + abs({{d}})) // (abs({{d}}) * 2)) "
        f"AS DECIMAL({precision}, 0)) * CAST({unit} AS DECIMAL({scale + 1}, {scale})) "
        f"AS DECIMAL({precision}, {scale})) END",
        n=numerator,
        d=denominator,
    )
    exact.type = exp.DataType.build(f"DECIMAL({precision}, {scale})")  # for a division around this one
    return exact


def _is_integer(node: exp.Expression) -> bool:
    node = _bare(node)
    if isinstance(node, exp.Literal) and not node.is_string:
        return node.name.isdigit()
    return node.type is not None and node.type.this in INTEGER_PRECISIONS


def decimal_types(node: exp.Expression) -> exp.Expression:
    """``DECIMAL '1.2345'`` is decimal(5,4), from its digits; a bare ``decimal`` is decimal(38,0).

    DuckDB reads a bare DECIMAL as DECIMAL(18,3), which rounds the literal to 1.235.
    """
    if not isinstance(node, exp.Cast) or node.to.this is not exp.DataType.Type.DECIMAL or node.to.expressions:
        return node
    literal = isinstance(node.this, exp.Literal) and node.this.is_string
    written = _literal_decimal(node.this.name.strip(), point=False) if literal else None
    precision, scale = written or (_DECIMAL_DIGITS, 0)
    node.set("to", exp.DataType.build(f"DECIMAL({precision}, {scale})"))
    return node


def whole_units_between(node: exp.Expression) -> exp.Expression:
    """``date_diff(unit, a, b)`` counts whole units from a to b; DuckDB's date_diff counts boundaries."""
    if not isinstance(node, exp.DateDiff):
        return node
    unit = exp.Literal.string((node.unit.name if node.unit else "day").lower())
    return exp.Anonymous(this="date_sub", expressions=[unit, node.expression, node.this])


def iso_weekday(node: exp.Expression) -> exp.Expression:
    """``extract(dow FROM x)`` is ISO (Monday 1 .. Sunday 7) in Athena; DuckDB's dow is 0 on Sunday."""
    if isinstance(node, exp.Extract) and node.this.name.upper() in ("DOW", "DAYOFWEEK"):
        return exp.Anonymous(this="isodow", expressions=[node.expression])
    return node


def millisecond_of_second(node: exp.Expression) -> exp.Expression:
    """``millisecond(x)`` is 0-999 in Athena; DuckDB's also counts the seconds (7.123 s gives 7123)."""
    if isinstance(node, exp.Anonymous) and node.name.lower() == "millisecond":
        return exp.Mod(this=exp.Paren(this=node.copy()), expression=exp.Literal.number(1000))
    return node


def java_replacement(node: exp.Expression) -> exp.Expression:
    """``regexp_replace``'s replacement is Java's (``$1`` is a group); RE2's writes a group as a backslash."""
    if not isinstance(node, exp.RegexpReplace):
        return node
    replacement = node.args.get("replacement")
    if not isinstance(replacement, exp.Literal) or not replacement.is_string:
        return node
    out, text, i = [], replacement.name, 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            literal = text[i + 1]
            out.append("\\\\" if literal == "\\" else literal)
            i += 2
        elif char == "$" and i + 1 < len(text) and text[i + 1].isdigit():
            out.append("\\" + text[i + 1])
            i += 2
        else:
            out.append(char)
            i += 1
    node.set("replacement", exp.Literal.string("".join(out)))
    return node


def missing_parts_are_null(node: exp.Expression) -> exp.Expression:
    """``split_part`` past the last field is NULL in Athena; DuckDB gives ''."""
    if not isinstance(node, exp.SplitPart):
        return node
    s, delimiter, index = node.this, node.args["delimiter"], node.args["part_index"]
    return _duckdb(
        "CASE WHEN {i} <= len(string_split({s}, {d})) THEN split_part({s}, {d}, {i}) END",
        s=s,
        d=delimiter,
        i=index,
    )


def slice_by_length(node: exp.Expression) -> exp.Expression:
    """``slice(x, start, length)``: a length, and a negative start counts from the end.

    sqlglot reads the third argument as an end index, which DuckDB's list_slice takes inclusive.
    """
    if not isinstance(node, exp.ArraySlice) or node.args.get("end") is None:
        return node
    begin = "CASE WHEN {start} > 0 THEN {start} ELSE len({x}) + {start} + 1 END"
    return _duckdb(
        f"CASE WHEN ({begin}) < 1 THEN {{x}}[1:0] ELSE list_slice({{x}}, {begin}, {begin} + {{n}} - 1) END",
        x=node.this,
        start=node.args["start"],
        n=node.args["end"],
    )


def dates_stay_dates(node: exp.Expression) -> exp.Expression:
    """``date_trunc`` of a DATE is a DATE in Athena; DuckDB returns a timestamp."""
    if isinstance(node, exp.TimestampTrunc | exp.DateTrunc):
        operand = node.this
        if operand.type is not None and operand.type.this is exp.DataType.Type.DATE:
            return exp.Cast(this=node.copy(), to=exp.DataType.build("DATE"))
    return node


_SPECIFIER = re.compile(r"%(%|[-#+ 0,(]*\d*(?:\.\d+)?([a-zA-Z]))")


def printf_format(node: exp.Expression) -> exp.Expression:
    """``format(pattern, ...)`` is Java's printf in Athena; DuckDB's ``format`` takes ``{}``.

    DuckDB's ``printf`` reads the same patterns, except that its ``%s`` takes only text, where
    Java's takes anything: those arguments are cast to text.
    """
    if not isinstance(node, exp.Format):
        return node
    arguments = list(node.expressions)
    if isinstance(node.this, exp.Literal) and node.this.is_string:
        kinds = [m.group(2) for m in _SPECIFIER.finditer(node.this.name) if m.group(1) != "%"]
        for i, kind in enumerate(kinds[: len(arguments)]):
            if kind in ("s", "S"):
                arguments[i] = exp.Cast(this=arguments[i], to=exp.DataType.build("VARCHAR"))
    return exp.Anonymous(this="printf", expressions=[node.this, *arguments])


def reversed_arrays(node: exp.Expression) -> exp.Expression:
    """``reverse`` of an array reverses its elements; sqlglot would reverse its text."""
    if not isinstance(node, exp.Reverse):
        return node
    if isinstance(node.this, exp.Array) or (node.this.type is not None and node.this.type.is_type("array")):
        return exp.Anonymous(this="list_reverse", expressions=[node.this])
    return node


def downward_sequences(node: exp.Expression) -> exp.Expression:
    """``sequence(a, b)`` counts down when a > b in Athena; DuckDB's gives an empty list."""
    if isinstance(node, exp.GenerateSeries) and node.args.get("step") is None:
        return _duckdb(
            "generate_series({a}, {b}, CASE WHEN {a} <= {b} THEN 1 ELSE -1 END)",
            a=node.args["start"],
            b=node.args["end"],
        )
    return node


def wall_clock_in_zone(node: exp.Expression) -> exp.Expression:
    """``ts AT TIME ZONE z`` and ``from_unixtime(x, z)`` give the wall-clock time in zone ``z``.

    Athena reads a plain timestamp as UTC (the session zone) and shows it in ``z``: 10:00 at
    New York is 05:00. DuckDB's ``AT TIME ZONE`` instead reads it as New York time and gives the
    UTC instant (15:00), and sqlglot drops ``from_unixtime``'s zone. Here both become the local
    time in ``z`` (a timestamp without its zone, so hour(), day() and formatting see the
    wall clock, as in Athena).
    """
    if isinstance(node, exp.AtTimeZone):
        instant = exp.Cast(this=node.this, to=exp.DataType.build("TIMESTAMPTZ"))
        return exp.Anonymous(this="timezone", expressions=[node.args["zone"], instant])
    if isinstance(node, exp.UnixToTime) and node.args.get("zone") is not None:
        moment = exp.Anonymous(this="to_timestamp", expressions=[node.this])
        return exp.Anonymous(this="timezone", expressions=[node.args["zone"], moment])
    return node


def unsupported(node: exp.Expression) -> exp.Expression:
    """Refuse what would answer differently from Athena without a word.

    Raises:
        QueryError: For ``||`` on a number (Athena refuses it), ``strpos`` with an instance and
            ``split`` with a limit (sqlglot would drop the argument).
    """
    if isinstance(node, exp.DPipe):
        for side in (node.this, node.expression):
            numeric = side.type is not None and side.type.is_type(*exp.DataType.NUMERIC_TYPES)
            if numeric or (isinstance(side, exp.Literal) and not side.is_string):
                raise QueryError(
                    f"{node.sql(dialect='athena')}: Athena does not turn numbers into text for ||; "
                    "CAST the number AS varchar"
                )
    if isinstance(node, exp.StrPosition) and node.args.get("occurrence") is not None:
        raise QueryError("strpos with an instance (a third argument) is not supported locally")
    if isinstance(node, exp.Split) and node.args.get("limit") is not None:
        raise QueryError("split with a limit (a third argument) is not supported locally")
    return node


_SMALL_INTEGERS = (exp.DataType.Type.TINYINT, exp.DataType.Type.SMALLINT)


def integer_literals(node: exp.Expression) -> exp.Expression:
    """An integer literal is an ``integer`` (a ``bigint`` past 2^31) in Trino, whatever it meets.

    DuckDB gives it the type of a smaller integer beside it, so ``tinyint_column * 10`` was
    computed, and overflowed, as a tinyint at 128; in Athena it is an integer.
    """
    if not isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Mod):
        return node
    sides = (node.this, node.expression)
    if not any(side.type is not None and side.type.this in _SMALL_INTEGERS for side in sides):
        return node
    for key, side in (("this", node.this), ("expression", node.expression)):
        literal = _bare(side)
        if isinstance(literal, exp.Literal) and not literal.is_string and literal.name.isdigit():
            node.set(key, exp.cast(side, "INT" if int(literal.name) < 2**31 else "BIGINT"))
    return node


REWRITES = (
    unsupported,
    integer_literals,
    wall_clock_in_zone,
    printf_format,
    reversed_arrays,
    downward_sequences,
    decimal_types,
    whole_units_between,
    iso_weekday,
    millisecond_of_second,
    java_replacement,
    missing_parts_are_null,
    slice_by_length,
    dates_stay_dates,
)


def positional_names(tree: exp.Expression) -> exp.Expression:
    """A result column with no name of its own is ``_col<position>`` in Athena (``_col0``, ...).

    DuckDB names it after its expression (``count_star()``), which a script reading the
    result's columns would see instead.
    """
    select = tree if isinstance(tree, exp.Select) else None
    if isinstance(tree, exp.SetOperation):  # a UNION takes the names of its first branch
        select = tree.find(exp.Select)
    if select is None:
        return tree
    for position, column in enumerate(select.expressions):
        if isinstance(column, exp.Alias) and re.fullmatch(r"_col_\d+", column.alias):
            column.set("alias", exp.to_identifier(f"_col{position}"))  # sqlglot's qualify named it
        elif not isinstance(column, exp.Alias | exp.Column | exp.Star):
            column.replace(exp.alias_(column.copy(), f"_col{position}"))
    return tree


def athena_semantics(tree: exp.Expression) -> exp.Expression:
    """The typed tree with every rewrite of this module applied (DuckDB only)."""
    tree = positional_names(tree)
    # Innermost divisions first: an outer one then sees the inner result's decimal type.
    for division in reversed(list(tree.find_all(exp.Div, bfs=False))):
        rewritten = exact_division(division)
        if rewritten is not division:
            if division is tree:
                tree = rewritten
            else:
                division.replace(rewritten)
    for rewrite in REWRITES:
        tree = tree.transform(rewrite)
    return tree
