"""The human filter syntax of the command line (§6.3), parsed into the JSON structure.

A backtracking recursive-descent parser that follows the pyparsing grammar of
Ganeti's ``lib/qlang.py`` choice for choice, so results and error positions
match, except DEVIATION D4: regular-expression flags must touch the closing
delimiter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NoReturn

from .errors import QueryFilterParseError
from .glob import dns_glob_pattern

_SPACE = " \t\n\r"
_KEYWORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
_FIELD = re.compile(r"[A-Za-z][A-Za-z0-9_/.]*")
_DIGITS = re.compile(r"[0-9]+")
# A quoted string up to (not including) its closing quote; escapes are kept verbatim.
_QUOTED_BODY = {
    q: re.compile(q + r"(?:[^" + q + r"\n\r\\]|" + q + q + r"|\\(?:[^x]|x[0-9a-fA-F]+))*")
    for q in "\"'"
}
_REGEX_DELIMITERS = "/#^|"
_REGEX_BODY = {
    d: re.compile(re.escape(d) + r"(?:[^" + re.escape(d) + r"\n\r\\]|\\.)*" + re.escape(d))
    for d in _REGEX_DELIMITERS
}
_REGEX_FLAGS = re.compile(r"[A-Za-z]+")
_KNOWN_FLAGS = frozenset("is")
_WHITESPACE_ESCAPES = (("\\t", "\t"), ("\\n", "\n"), ("\\f", "\f"), ("\\r", "\r"))
_ESCAPED_CHAR = re.compile(r"\\(.)")
# Longest first, so "<=" is not read as "<".
_BINARY_OPS = {"==": "==", "!=": "!=", "<=": "<=", ">=": ">=", "=": "==", "<": "<", ">": ">"}


# Parentheses and ``not`` nest at most this deep (each level costs several stack frames).
MAX_NESTING = 50

_Rule = Callable[["_Parser", int, int, bool], tuple[Any, int]]


class _Fail(Exception):
    """One alternative did not match; ``position`` is how far it got."""

    def __init__(self, position: int, expected: frozenset[str]) -> None:
        super().__init__(position)
        self.position = position
        self.expected = expected


def _farthest(failures: list[_Fail]) -> _Fail:
    """Merge failed alternatives as pyparsing does: the one that got farthest wins."""
    position = max(f.position for f in failures)
    expected = frozenset().union(*(f.expected for f in failures if f.position == position))
    return _Fail(position, expected)


def _memoised(rule: _Rule) -> _Rule:
    """Remember each rule's outcome per (position, depth, check): retries stay linear."""

    def run(parser: _Parser, pos: int, depth: int, check: bool) -> tuple[Any, int]:
        key = (rule.__name__, pos, depth, check)
        result = parser.results.get(key)
        if result is None:
            try:
                result = rule(parser, pos, depth, check)
            except _Fail as fail:
                result = fail
            parser.results[key] = result
        if isinstance(result, _Fail):
            raise _Fail(result.position, result.expected)  # a fresh one: tracebacks do not pile up
        return result

    return run


def parse(text: str) -> Any:
    """Parse a human filter into its JSON structure; raise QueryFilterParseError with the position."""
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.results: dict[tuple[str, int, int, bool], tuple[Any, int] | _Fail] = {}

    def parse(self) -> Any:
        try:
            result, end = self.or_expr(0, 0, True)
        except _Fail as fail:
            self.error(_describe(fail.expected), fail.position)
        except RecursionError:  # only when called with little stack left
            self.error("Filter nested too deeply", 0, fatal=True)
        end = self.skip(end)
        if end < len(self.text):
            self.error("Expected end of text", end)
        return result

    def error(self, reason: str, position: int, *, fatal: bool = False) -> NoReturn:
        raise QueryFilterParseError(reason, self.text, position, fatal=fatal)

    # -- tokens ---------------------------------------------------------

    def skip(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] in _SPACE:
            pos += 1
        return pos

    def literal(self, pos: int, word: str) -> int:
        pos = self.skip(pos)
        if not self.text.startswith(word, pos):
            raise _Fail(pos, frozenset({repr(word)}))
        return pos + len(word)

    def keyword(self, pos: int, word: str) -> int:
        """A whole word: not glued to a letter, digit, ``_`` or ``$`` on either side."""
        pos = self.skip(pos)
        end = pos + len(word)
        if not self.text.startswith(word, pos):
            raise _Fail(pos, frozenset({repr(word)}))
        if pos > 0 and self.text[pos - 1] in _KEYWORD_CHARS:
            raise _Fail(pos - 1, frozenset({repr(word)}))
        if end < len(self.text) and self.text[end] in _KEYWORD_CHARS:
            raise _Fail(end, frozenset({repr(word)}))
        return end

    def field(self, pos: int) -> tuple[str, int]:
        pos = self.skip(pos)
        match = _FIELD.match(self.text, pos)
        if not match:
            raise _Fail(pos, frozenset({"field name"}))
        return match.group(0), match.end()

    def number(self, pos: int) -> tuple[int, int]:
        pos = self.skip(pos)
        digits_at = pos + 1 if self.text[pos : pos + 1] in ("-", "+") else pos
        match = _DIGITS.match(self.text, digits_at)
        if not match:
            raise _Fail(digits_at, frozenset({"integer"}))
        return int(self.text[pos : match.end()]), match.end()

    def quoted(self, pos: int) -> tuple[str, int]:
        pos = self.skip(pos)
        quote = self.text[pos : pos + 1]
        body = _QUOTED_BODY.get(quote)
        match = body.match(self.text, pos) if body else None
        if not match:
            raise _Fail(pos, frozenset({"quoted string"}))
        if not self.text.startswith(quote, match.end()):
            raise _Fail(match.end(), frozenset({f"closing {quote}"}))
        return self.text[pos + 1 : match.end()], match.end() + 1

    def value(self, pos: int) -> tuple[str | int, int]:
        try:
            return self.number(pos)
        except _Fail as not_number:
            try:
                return self.quoted(pos)
            except _Fail as not_quoted:
                raise _farthest([not_number, not_quoted]) from None

    def regex(self, pos: int, check: bool) -> tuple[str, int]:
        """``[m]DELIM regex DELIM[flags]``, checked as Ganeti checks it before sending."""
        start = self.skip(pos)
        pos = start + 1 if self.text.startswith("m", start) else start
        pos = self.skip(pos)
        body = _REGEX_BODY.get(self.text[pos : pos + 1])
        match = body.match(self.text, pos) if body else None
        if not match:
            raise _Fail(pos, frozenset({"regular expression"}))
        pattern = match.group(0)[1:-1]
        for escape, char in _WHITESPACE_ESCAPES:
            pattern = pattern.replace(escape, char)
        pattern = _ESCAPED_CHAR.sub(r"\1", pattern)
        flags_match = _REGEX_FLAGS.match(self.text, match.end())
        flags = flags_match.group(0) if flags_match else ""
        end = match.end() + len(flags)
        if not check:
            return pattern, end
        unknown = sorted(set(flags) - _KNOWN_FLAGS)
        if unknown:
            self.error(f"Unknown regular expression flags: '{''.join(unknown)}'", start, fatal=True)
        if flags:
            pattern = f"(?{''.join(sorted(flags))}){pattern}"
        try:
            re.compile(pattern)
        except (re.error, RecursionError, OverflowError, ValueError) as err:
            self.error(f"Invalid regular expression ({err})", start, fatal=True)
        return pattern, end

    # -- conditions -----------------------------------------------------

    def condition(self, pos: int, check: bool) -> tuple[Any, int]:
        try:
            name, end = self.field(pos)
        except _Fail as not_field:
            try:
                return self.value_condition(pos)
            except _Fail as not_value:
                raise _farthest([not_field, not_value]) from None
        for operator in (self.binary, self.regex_condition, self.glob_condition):
            try:
                return operator(name, end, check)
            except _Fail:
                pass
        return ["?", name], end

    def binary(self, name: str, pos: int, check: bool) -> tuple[Any, int]:
        at = self.skip(pos)
        for symbol, op in _BINARY_OPS.items():
            if self.text.startswith(symbol, at):
                value, end = self.value(at + len(symbol))
                return [op, name, value], end
        raise _Fail(at, frozenset({"comparison operator"}))

    def regex_condition(self, name: str, pos: int, check: bool) -> tuple[Any, int]:
        try:
            pos = self.literal(pos, "=~")
            negate = False
        except _Fail:
            pos = self.literal(pos, "!~")
            negate = True
        pattern, end = self.regex(pos, check)
        leaf = ["=~", name, pattern]
        return (["!", leaf] if negate else leaf), end

    def glob_condition(self, name: str, pos: int, check: bool) -> tuple[Any, int]:
        try:
            pos = self.literal(pos, "=*")
            negate = False
        except _Fail:
            pos = self.literal(pos, "!*")
            negate = True
        glob, end = self.quoted(pos)
        leaf = ["=~", name, dns_glob_pattern(glob)]
        return (["!", leaf] if negate else leaf), end

    def value_condition(self, pos: int) -> tuple[Any, int]:
        """``VALUE in FIELD`` or ``VALUE not in FIELD`` (``in``/``not`` are plain literals here)."""
        value, pos = self.value(pos)
        try:
            name, end = self.field(self.literal(pos, "in"))
            return ["=[]", name, value], end
        except _Fail as not_in:
            try:
                name, end = self.field(self.literal(self.literal(pos, "not"), "in"))
            except _Fail as not_not_in:
                raise _farthest([not_in, not_not_in]) from None
            return ["!", ["=[]", name, value]], end

    # -- operators: not > and > or ---------------------------------------
    #
    # ``check`` is pyparsing's "doActions": lookaheads (the first operand after
    # ``not``/``and``/``or``) are tried without it, so a bad regular expression
    # in a branch that then fails to parse is never reported; Ganeti reports
    # the shorter parse's error instead.

    @_memoised
    def or_expr(self, pos: int, depth: int, check: bool) -> tuple[Any, int]:
        return self.chain(pos, depth, check, "or")

    @_memoised
    def and_expr(self, pos: int, depth: int, check: bool) -> tuple[Any, int]:
        return self.chain(pos, depth, check, "and")

    def chain(self, pos: int, depth: int, check: bool, word: str) -> tuple[Any, int]:
        """``A word B word C`` collapses into ``[op, A, B, C]``; a dangling ``word`` is left unread."""
        operand = self.and_expr if word == "or" else self.not_expr
        first, pos = operand(pos, depth, check)
        operands = [first]
        while True:
            try:
                at = self.keyword(pos, word)
                if len(operands) == 1:
                    operand(at, depth, False)  # lookahead first, as pyparsing does
                item, pos = operand(at, depth, check)
            except _Fail:
                break
            operands.append(item)
        if len(operands) == 1:
            return first, pos
        return ["|" if word == "or" else "&", *operands], pos

    @_memoised
    def not_expr(self, pos: int, depth: int, check: bool) -> tuple[Any, int]:
        try:
            after = self.keyword(pos, "not")
            self.check_depth(after, depth)
            self.not_expr(after, depth + 1, False)  # lookahead
            operand, end = self.not_expr(after, depth + 1, check)
            return ["!", operand], end
        except _Fail as not_negation:
            try:
                return self.atom(pos, depth, check)
            except _Fail as not_atom:
                raise _farthest([not_negation, not_atom]) from None

    def atom(self, pos: int, depth: int, check: bool) -> tuple[Any, int]:
        try:
            return self.condition(pos, check)
        except _Fail as not_condition:
            try:
                inner_at = self.literal(pos, "(")
                self.check_depth(inner_at, depth)
                inner, pos = self.or_expr(inner_at, depth + 1, check)
                return inner, self.literal(pos, ")")
            except _Fail as not_group:
                raise _farthest([not_condition, not_group]) from None

    def check_depth(self, pos: int, depth: int) -> None:
        if depth >= MAX_NESTING:
            self.error(
                f"Filter nested too deeply (more than {MAX_NESTING} levels)", pos, fatal=True
            )


def _describe(expected: frozenset[str]) -> str:
    names = sorted(expected)
    if len(names) > 1:
        return f"Expected {', '.join(names[:-1])} or {names[-1]}"
    return f"Expected {names[0]}" if names else "Expected filter"
