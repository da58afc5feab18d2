"""Table functions that read one landed object as records of text fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lakeline.core.contracts import Contract, SourceFormat
from lakeline.core.partitioning import PARTITION_COLUMN
from lakeline.engines.duckdb.expressions import Rule, column_type, ident, literal

LINE = "__line"
JSON_TYPE = "__json_type"
FIELDS = "__json_fields"  # a JSON record's fields, by one parse, in contract column order
NUMBERED = "__numbered"  # the JSON text with every number turned into a marked string of its literal
FOUND = "__fields_found"  # set only on short CSV records (-1: a field that is only a NUL byte)
REJECTS = "reject_errors"
# The longest JSON line (a record) read. DuckDB's default buffer is 16 lines this long, 256 MiB,
# which a 512 MB memory limit cannot hold once per thread: objects over 256 MB failed to read.
JSON_LINE_LIMIT = 16 * 2**20
NO_REJECTS = "no_rejects"


@dataclass(frozen=True)
class Reader:
    """How to read an object: the FROM clause, each field's SQL and the rejects table.

    Attributes:
        relation: A table expression that yields the object's records.
        fields: Source field -> SQL of its raw text in that relation.
        passthrough: Columns of the relation that later expressions use.
        record: SQL of the whole original record as JSON text, or None to
            build it from the fields.
        present: TRUE for records, FALSE for non-records (blank lines), which keep
            their place in the object but are neither kept nor quarantined.
        record_rule: The rule that the record as a whole breaks when it is malformed, or None.
        rejects: The table in which the reader leaves records it could not parse.
        header_lines: How many lines precede the first record.
        line_based: Whether each record is one line, so positions are line numbers.
        natives: Field -> DuckDB type, for sources whose fields are already typed.
        rescan: The relation without recording rejects, when it differs.
    """

    relation: str
    fields: dict[str, str]
    passthrough: tuple[str, ...] = ()
    record: str | None = None
    present: str = "TRUE"
    record_rule: Rule | None = None
    rejects: str = NO_REJECTS
    header_lines: int = 0
    line_based: bool = False
    natives: dict[str, str] | None = None
    rescan: str = ""

    @property
    def rescan_relation(self) -> str:
        """The relation for a second scan, which must not record rejects a second time."""
        return self.rescan or self.relation

    def fingerprint(self, renamed: Mapping[str, str] | None = None) -> str:
        """SQL that hashes a record's raw fields, the same for the same record in any scan.

        Args:
            renamed: Field -> the column that holds it in a query that renamed the fields
                (validation's), or None for this relation's own.
        """
        if self.record is not None:  # the record is one text value (a JSON line)
            return f"hash({ident(self.record)})"
        values = [ident(renamed[f]) for f in self.fields] if renamed else list(self.fields.values())
        # With the reader's own columns: a short record padded with null markers is not a full one.
        return f"hash({', '.join(values + [ident(p) for p in self.passthrough])})"


def _compression(gzip: bool, plain: str = "none") -> str:
    """The compression option; read_csv spells "no compression" 'none', read_json 'uncompressed'."""
    return "'gzip'" if gzip else f"'{plain}'"


def csv_reader(
    path: Path,
    contract: Contract,
    header: tuple[str, ...],
    gzip: bool,
    parallel: bool = True,
    header_lines: int = 1,
) -> Reader:
    """Read delimited text, every field as VARCHAR.

    Short records are padded with NULL rather than rejected by the reader: DuckDB
    keeps about a kilobyte of bookkeeping per rejected field, which grew to
    hundreds of MB on files with many short rows. No text is read as NULL by the
    reader (its null string is a NUL character, which text never holds), so a
    NULL in the last field means the record was short; the contract's null
    markers are applied afterwards. Records that cannot be parsed at all (too
    many fields, an unterminated quote) still go to ``reject_errors``.
    """
    dialect = contract.source.dialect
    columns = "{" + ", ".join(f"{literal(f)}: 'VARCHAR'" for f in header) + "}"
    scan = (
        f"read_csv({literal(str(path))}, auto_detect=false, header={str(dialect.header).lower()}, "
        f"delim={literal(dialect.delimiter)}, quote={literal(dialect.quote)}, "
        f"escape={literal(dialect.escape_char if dialect.quote else '')}, nullstr=chr(0), "
        f"allow_quoted_nulls=false, null_padding=true, columns={columns}, "
        f"compression={_compression(gzip)}, strict_mode=true, store_rejects=true, max_line_size=4194304"
        f"{'' if parallel else ', parallel=false'})"
    )
    present = " + ".join(f"CAST({ident(f)} IS NOT NULL AS INTEGER)" for f in header)
    # The reader's NULL marker is a NUL byte (no text field is NULL otherwise): a NULL field before
    # a present last one was a field holding only that byte, not a short record.
    nul = " OR ".join(f"{ident(f)} IS NULL" for f in header[:-1]) or "FALSE"
    found = f"CASE WHEN {ident(header[-1])} IS NULL THEN {present} WHEN {nul} THEN -1 END"
    relation = f"(SELECT *, {found} AS {FOUND} FROM {scan})"
    fields = {f: _null_markers_applied(ident(f), dialect.null_markers) for f in header}
    short = literal(f"record: expected {len(header)} fields, found ")
    malformed = Rule(
        f"{FOUND} IS NOT NULL",
        f"CASE WHEN {FOUND} = -1 THEN 'record: a field holds only a NUL byte (binary data?)' "
        f"ELSE {short} || {FOUND} END",
    )
    return Reader(
        relation,
        fields,
        rescan=_without_rejects(relation),
        passthrough=(FOUND,),
        record_rule=malformed,
        rejects=REJECTS,
        header_lines=header_lines if dialect.header else 0,
        line_based=True,
    )


def _null_markers_applied(field: str, markers: Sequence[str]) -> str:
    """SQL of a text field that is NULL where it holds one of the contract's null markers."""
    if not markers:
        return field
    if len(markers) == 1:  # the usual case, with a cheaper function
        return f"nullif({field}, {literal(markers[0])})"
    return f"CASE WHEN {field} IN ({', '.join(map(literal, markers))}) THEN NULL ELSE {field} END"


def json_reader(path: Path, contract: Contract, gzip: bool, crlf: bool = False) -> Reader:
    """Read JSON Lines, or a JSON array of records, one record per row.

    JSON Lines are read as lines of text so that a malformed line becomes one
    quarantined row with its line number instead of an error for the file. With
    ``crlf``, lines end with CR LF (DuckDB would otherwise count an empty line at each CR).
    """
    if contract.source.format is SourceFormat.JSONL:
        new_line = "\\r\\n" if crlf else "\\n"
        lines = (
            f"read_csv({literal(str(path))}, columns={{'{LINE}': 'VARCHAR'}}, header=false, "
            f"auto_detect=false, delim='\\x1f', quote='', escape='', new_line='{new_line}', "
            f"compression={_compression(gzip)}, strict_mode=false, store_rejects=true, "
            f"max_line_size={JSON_LINE_LIMIT}, buffer_size={2 * JSON_LINE_LIMIT})"
        )
        rejects, line_based = REJECTS, True
    else:
        lines = (
            f"(SELECT json AS {LINE} FROM read_json_objects({literal(str(path))}, "
            f"format='array', compression={_compression(gzip, 'uncompressed')}, "
            f"maximum_object_size={JSON_LINE_LIMIT}))"
        )
        rejects, line_based = NO_REJECTS, False
    # Every field is extracted by one parse of the line, into a list: the expressions that use a
    # field (null markers, the literal numbers) then read an element instead of parsing the line
    # again. A parse per field held a parsed copy of every line of a chunk per field at once:
    # 15,000 lines of 3 KB with five fields ran out of 512 MB.
    paths = ", ".join(literal("$." + _json_key(c.source_field)) for c in contract.columns)
    columns = (
        f"CASE WHEN {JSON_TYPE} = 'OBJECT' THEN json_extract_string({NUMBERED}, [{paths}]) END AS {FIELDS}"
    )
    parsed = (
        f"(SELECT {LINE}, CASE WHEN json_valid({LINE}) AND NOT {_lenient_json(LINE)} "
        f"THEN json_type({LINE}) END AS {JSON_TYPE}, {_numbers_kept(LINE)} AS {NUMBERED} FROM {lines})"
    )
    relation = f"(SELECT *, {columns} FROM {parsed})"
    fields = {c.source_field: _literal_numbers(f"{FIELDS}[{i}]") for i, c in enumerate(contract.columns, 1)}
    kinds = " ".join(f"WHEN {literal(engine)} THEN {literal(kind)}" for engine, kind in _JSON_KINDS.items())
    malformed = Rule(
        f"{JSON_TYPE} IS DISTINCT FROM 'OBJECT'",
        f"CASE WHEN {JSON_TYPE} IS NULL THEN 'record: malformed JSON' "
        f"ELSE 'record: expected a JSON object, got ' || "
        f"CASE {JSON_TYPE} {kinds} ELSE lower({JSON_TYPE}) END END",
    )
    present = f"{LINE} IS NOT NULL AND trim({LINE}, chr(32) || chr(9) || chr(13)) <> ''"  # not blank
    return Reader(
        relation,
        fields,
        rescan=_without_rejects(relation),
        passthrough=(LINE, JSON_TYPE),
        record=LINE,
        present=present,
        record_rule=malformed,
        rejects=rejects,
        line_based=line_based,
    )


# DuckDB reads JSON numbers as doubles: 1.10 comes back as '1.1' and 2.999999999999999999 as '3.0'.
# To check a number as written, each number token outside strings becomes the string
# "\u0003<literal>" first. A raw control character never occurs in valid JSON text, so the tags
# used on the way (chr(2)) cannot clash with the object's own text.
_JSON_LEXEMES = r'("(?:[^"\\]|\\.)*")|(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)'
_TAGGED = r"'\1' || chr(2) || '\2' || chr(2)"  # RE2 rewrite: \1, \2 are the groups, \\ a backslash
_TAGS = "chr(2) || '([^' || chr(2) || ']*)' || chr(2)"
_MARKED = r'"\\u0003\1"'
_MARK = r"\u0003"
_UNMARK = r'"\\u0003([^"]*)"'
_JSON_KINDS = {"VARCHAR": "string", "BIGINT": "number", "UBIGINT": "number", "DOUBLE": "number",
               "HUGEINT": "number", "BOOLEAN": "boolean", "ARRAY": "array", "NULL": "null"}  # fmt: skip


_STRING = r'"(?:[^"\\]|\\.)*"'
# What DuckDB's JSON parser lets through and JSON (RFC 8259) does not, outside strings: a comma
# before a closing bracket, and NaN or Infinity.
_LENIENT = r"(?i),\s*[}\]]|\b(?:nan|inf|infinity)\b"


def _lenient_json(json: str) -> str:
    """Whether valid-to-DuckDB JSON text is not strict JSON (strings set aside first).

    Setting strings aside costs a rewrite of the line, so it is done only for lines where a
    plain search finds a suspect at all (few, usually none).
    """
    stripped = f"regexp_replace({json}, {literal(_STRING)}, '\"\"', 'g')"
    suspect = f"regexp_matches({json}, {literal(_LENIENT)})"
    return f"(CASE WHEN {suspect} THEN regexp_matches({stripped}, {literal(_LENIENT)}) ELSE FALSE END)"


# Numbers whose text a double would not give back: 16 or more digits in a row, a fraction ending
# in 0, an exponent, or minus zero. Only lines with one outside strings pay for the rewrite: the
# pattern steps over whole strings from the start of the line (valid JSON, so they are closed),
# so that "20.60" as a string costs nothing.
_AT_RISK = r'^(?:[^"]|"(?:[^"\\]|\\.)*")*?(?:[0-9]{16}|\.[0-9]*0(?:[^0-9]|$)|[0-9][eE]|-0(?:[^.0-9]|$))'


def _numbers_kept(json: str) -> str:
    """``json``, with its numbers marked as written where a double could change them."""
    at_risk = f"regexp_matches({json}, {literal(_AT_RISK)})"
    return f"CASE WHEN {at_risk} THEN {_numbers_as_text(json)} ELSE {json} END"


def _numbers_as_text(json: str) -> str:
    """``json`` with every number token replaced by a marked string of its literal text."""
    # A string matches the first group and a number the second; each gets two tags after or around
    # it, and the empty pair after a string is then dropped, which leaves only the numbers tagged.
    tagged = f"regexp_replace({json}, {literal(_JSON_LEXEMES)}, {_TAGGED}, 'g')"
    return f"regexp_replace(replace({tagged}, chr(2) || chr(2), ''), {_TAGS}, {literal(_MARKED)}, 'g')"


def _literal_numbers(value: str) -> str:
    """A value extracted from numbered JSON, with every number in it as the object wrote it."""
    nested = f"regexp_replace({value}, {literal(_UNMARK)}, '\\1', 'g')"  # inside an object or array
    return (
        f"CASE WHEN starts_with({value}, chr(3)) THEN substr({value}, 2) "
        f"WHEN contains({value}, {literal(_MARK)}) THEN {nested} ELSE {value} END"
    )


def _without_rejects(relation: str) -> str:
    return relation.replace("store_rejects=true", "store_rejects=false, ignore_errors=true")


def _json_key(field: str) -> str:
    return '"' + field.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parquet_reader(path: Path, columns: dict[str, str]) -> Reader:
    """Read a Parquet file; ``columns`` maps each field to its native DuckDB type."""
    relation = f"read_parquet({literal(str(path))})"
    return Reader(relation, {f: f"CAST({ident(f)} AS VARCHAR)" for f in columns}, natives=dict(columns))


def lake_scan(uris: Sequence[str], filename: str | None = None) -> str:
    """``read_parquet`` over lake files: ``dt`` from their Hive path as text, columns by name.

    Args:
        uris: The files (local paths or s3:// URIs).
        filename: A column to name each row's file with, if any; ``file_row_number`` then holds
            the row's place in its file (from 0).
    """
    files = "[" + ", ".join(literal(u) for u in uris) + "]"
    named = f", filename = {literal(filename)}, file_row_number = true" if filename else ""
    return (
        f"read_parquet({files}, hive_partitioning = true, hive_types = {{'{PARTITION_COLUMN}': VARCHAR}}, "
        f"union_by_name = true{named})"
    )


def empty_scan(columns: Mapping[str, str]) -> str:
    """A relation with no rows, named and typed as a lake table (Athena types): a table with no files."""
    nulls = ", ".join(f"CAST(NULL AS {column_type(t)}) AS {ident(c)}" for c, t in columns.items())
    return f"(SELECT {nulls} WHERE FALSE)"
