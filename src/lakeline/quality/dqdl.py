"""Parse DQDL, AWS Glue's Data Quality Definition Language, into rules.

A ruleset is ``Rules = [ rule, rule, ... ]``. A rule is a rule type, its
quoted arguments (columns, or SQL for ``CustomSql``), an optional constraint on
its metric (``> 5``, ``between 1 and 10``, ``in ["a", "b"]``,
``matches "[a-z]+"``, each negatable with ``not``), an optional
``where "<SQL>"`` filter and an optional ``with threshold <constraint>``.
Rules combine with ``and`` / ``or`` when each side is in parentheses.

The parser is pure: it knows the syntax, not what any rule type computes.
A syntax error names the rule's number, the line and column, and what was
expected there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache

from lakeline.errors import TerminalError


class DqdlError(TerminalError):
    """A DQDL ruleset could not be parsed."""


_TOKEN = re.compile(
    r"""
    (?P<space>\s+|\#[^\n]*)
    | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op>!=|>=|<=|=|>|<|\[|\]|\(|\)|,|\+|-)
    """,
    re.VERBOSE,
)
_COMPARISONS = ("=", "!=", ">", ">=", "<", "<=")
_UNITS = {"minutes": "minutes", "minute": "minutes", "hours": "hours", "hour": "hours", "days": "days",
          "day": "days"}  # fmt: skip


@dataclass(frozen=True)
class Token:
    """A lexical token and where it starts in the ruleset text."""

    kind: str
    text: str
    start: int


@dataclass(frozen=True)
class Now:
    """``now()`` plus an offset, e.g. ``(now() - 3 days)``; evaluated when the rule runs."""

    offset: timedelta = timedelta(0)


@dataclass(frozen=True)
class Duration:
    """An amount of time, e.g. ``24 hours`` in ``DataFreshness "at" <= 24 hours``."""

    amount: Decimal
    unit: str

    @property
    def delta(self) -> timedelta:
        """The duration as a timedelta."""
        return timedelta(**{self.unit: float(self.amount)})


@dataclass(frozen=True)
class Keyword:
    """``NULL``, ``EMPTY`` (the empty string) or ``WHITESPACES_ONLY`` in a ``ColumnValues`` condition."""

    name: str


Value = Decimal | str | Now | Duration | Keyword
_KEYWORDS = ("null", "empty", "whitespaces_only")


@dataclass(frozen=True)
class Constraint:
    """What a metric or a value must satisfy: ``op`` with its operands, possibly negated.

    ``op`` is one of ``= != > >= < <=``, ``between`` (two operands), ``in`` (a list)
    or ``matches`` (one regular expression).
    """

    op: str
    values: tuple[Value, ...]
    negated: bool = False
    text: str = ""


@dataclass(frozen=True)
class Rule:
    """One rule: its type, quoted arguments, constraint, ``where`` filter and threshold."""

    rule_type: str
    args: tuple[str, ...]
    constraint: Constraint | None
    where: str | None
    threshold: Constraint | None
    text: str


@dataclass(frozen=True)
class Composite:
    """Rules joined by ``and`` or ``or``."""

    op: str
    parts: tuple[Rule | Composite, ...]
    text: str


RuleNode = Rule | Composite


def _unquote(token: Token) -> str:
    r"""A string's text, unescaped as Glue's lexer does it.

    Only ``\"`` and ``\\`` are escapes, so a regular expression such as ``"\d+"`` keeps its backslash.
    """
    return re.sub(r'\\(["\\])', r"\1", token.text[1:-1])


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = self._tokenize(text)
        self.pos = 0
        self.rule_number = 0

    def _tokenize(self, text: str) -> list[Token]:
        tokens: list[Token] = []
        at = 0
        while at < len(text):
            match = _TOKEN.match(text, at)
            if not match:
                raise self._error_at(at, f"unexpected character {text[at]!r}")
            kind = match.lastgroup or ""
            if kind != "space":
                tokens.append(Token(kind, match.group(), at))
            at = match.end()
        return tokens

    # -- errors --------------------------------------------------------------------------------
    def _error_at(self, offset: int, message: str) -> DqdlError:
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        where = f"rule {self.rule_number}, " if getattr(self, "rule_number", 0) else ""
        snippet = self.text[offset : offset + 30].split("\n")[0]
        near = f' near "{snippet}"' if snippet else " at the end"
        return DqdlError(f"DQDL {where}line {line}, column {column}: {message}{near}")

    def error(self, message: str) -> DqdlError:
        token = self.peek()
        offset = token.start if token is not None else len(self.text)
        return self._error_at(offset, message)

    # -- token helpers -------------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token | None:
        index = self.pos + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def at_word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.text.lower() in words

    def at_op(self, *ops: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "op" and token.text in ops

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise self.error("unexpected end of the ruleset")
        self.pos += 1
        return token

    def expect_op(self, op: str, what: str) -> Token:
        if not self.at_op(op):
            raise self.error(f"expected {what}")
        return self.take()

    def expect_word(self, word: str, what: str) -> Token:
        if not self.at_word(word):
            raise self.error(f"expected {what}")
        return self.take()

    def source(self, start: int) -> str:
        end = self.tokens[self.pos - 1]
        return self.text[self.tokens[start].start : end.start + len(end.text)]

    # -- grammar -------------------------------------------------------------------------------
    def ruleset(self) -> list[RuleNode]:
        if self.at_word("rules") and self.peek() is not None and self.peek().text != "Rules":  # type: ignore[union-attr]
            raise self.error("DQDL is case sensitive: the list is named `Rules`")
        self.expect_word("rules", "`Rules = [` to open the ruleset")
        self.expect_op("=", "`=` after `Rules`")
        self.expect_op("[", "`[` to open the list of rules")
        rules: list[RuleNode] = []
        while not self.at_op("]"):
            self.rule_number += 1
            rules.append(self.rule())
            if self.at_op(","):
                self.take()
            elif not self.at_op("]"):
                raise self.error("expected `,` between rules or `]` to close the list")
        self.take()
        self.rule_number = 0
        if self.at_word("analyzers"):
            raise self.error(
                "an `Analyzers` block is not supported by lakeline's evaluator; write rules instead"
            )
        if self.peek() is not None:
            raise self.error("expected the end of the ruleset after `]`")
        if not rules:
            raise self._error_at(len(self.text), "the ruleset has no rules")
        return rules

    def rule(self) -> RuleNode:
        start = self.pos
        if not self.at_op("("):
            return self.simple()
        parts = [self.parenthesized()]
        op = ""
        while self.at_word("and", "or"):
            word = self.peek().text.lower()  # type: ignore[union-attr]
            if op and word != op:
                raise self.error("mixing `and` and `or` needs parentheses to say which binds first")
            self.take()
            op = word
            if not self.at_op("("):
                raise self.error(f"expected `(` around the rule after `{word}`")
            parts.append(self.parenthesized())
        if len(parts) == 1:
            return parts[0]
        return Composite(op, tuple(parts), self.source(start))

    def parenthesized(self) -> RuleNode:
        self.take()
        inner = self.rule()
        self.expect_op(")", "`)` to close the parenthesized rule")
        return inner

    def simple(self) -> Rule:
        start = self.pos
        token = self.peek()
        if token is None or token.kind != "word":
            raise self.error("expected a rule type such as `RowCount` or `IsComplete`")
        rule_type = self.take().text
        args: list[str] = []
        while (token := self.peek()) is not None and token.kind == "string":
            args.append(_unquote(self.take()))
        constraint = self.constraint() if self.at_constraint() else None
        where = threshold = None
        while self.at_word("where", "with"):
            if self.at_word("where"):
                if where is not None:
                    raise self.error("a rule takes one `where` clause")
                self.take()
                token = self.peek()
                if token is None or token.kind != "string":
                    raise self.error('expected a quoted SQL condition after `where`, e.g. where "x > 0"')
                where = _unquote(self.take())
            else:
                if threshold is not None:
                    raise self.error("a rule takes one threshold")
                self.take()
                self.expect_word("threshold", "`threshold` after `with`")
                if not self.at_constraint():
                    raise self.error("expected a constraint after `with threshold`, e.g. > 0.9")
                threshold = self.constraint()
        return Rule(rule_type, tuple(args), constraint, where, threshold, self.source(start))

    def at_constraint(self) -> bool:
        return self.at_op(*_COMPARISONS) or self.at_word("between", "in", "matches", "not")

    def constraint(self) -> Constraint:
        start = self.pos
        negated = False
        if self.at_word("not"):
            self.take()
            negated = True
            if not self.at_word("between", "in", "matches"):
                raise self.error("expected `between`, `in` or `matches` after `not`")
        if self.at_op(*_COMPARISONS):
            op = self.take().text
            values: tuple[Value, ...] = (self.value(),)
        else:
            op = self.take().text.lower()
            if op == "between":
                low = self.value()
                self.expect_word("and", "`and` between the bounds of `between`")
                values = (low, self.value())
            elif op == "in":
                values = self.value_list()
            else:
                token = self.peek()
                if token is None or token.kind != "string":
                    raise self.error("expected a quoted regular expression after `matches`")
                values = (_unquote(self.take()),)
        return Constraint(op, values, negated, self.source(start))

    def value_list(self) -> tuple[Value, ...]:
        self.expect_op("[", "`[` to open the list of values")
        values: list[Value] = []
        while not self.at_op("]"):
            values.append(self.value())
            if self.at_op(","):
                self.take()
            elif not self.at_op("]"):
                raise self.error("expected `,` or `]` in the list of values")
        self.take()
        if not values:
            raise self.error("the list of values is empty")
        return tuple(values)

    def value(self) -> Value:
        token = self.peek()
        if token is None:
            raise self.error("expected a value")
        if token.kind == "string":
            return _unquote(self.take())
        if token.kind == "number" or self.at_op("-"):
            return self.number_or_duration()
        if self.at_word("now"):
            return self.now()
        if self.at_word(*_KEYWORDS):
            return Keyword(self.take().text.upper())
        if self.at_op("("):
            self.take()
            value = self.value()
            self.expect_op(")", "`)` to close the value")
            return value
        raise self.error("expected a number, a quoted string, now() or a duration")

    def number_or_duration(self) -> Decimal | Duration:
        sign = -1 if self.at_op("-") and self.take() else 1
        token = self.peek()
        if token is None or token.kind != "number":
            raise self.error("expected a number")
        amount = Decimal(self.take().text) * sign
        if self.at_word(*_UNITS):
            return Duration(amount, _UNITS[self.take().text.lower()])
        return amount

    def now(self) -> Now:
        self.take()
        self.expect_op("(", "`(` after now")
        self.expect_op(")", "`)` after now(")
        if not self.at_op("+", "-"):
            return Now()
        sign = 1 if self.take().text == "+" else -1
        amount = self.number_or_duration()
        if not isinstance(amount, Duration):
            raise self.error("expected a unit (minutes, hours or days) after the number")
        return Now(sign * amount.delta)


def parse_ruleset(text: str) -> list[RuleNode]:
    """Parse a DQDL ruleset into its top-level rules.

    Raises:
        DqdlError: Naming the rule, line and column of the first syntax error.
    """
    return list(_parsed(text))


@lru_cache(maxsize=256)
def _parsed(text: str) -> tuple[RuleNode, ...]:
    # Rules are frozen: one parse serves every object a quarantine ruleset judges.
    return tuple(_Parser(text).ruleset())


def flatten(node: RuleNode) -> list[Rule]:
    """The simple rules inside a rule, depth first."""
    return [node] if isinstance(node, Rule) else [r for part in node.parts for r in flatten(part)]
