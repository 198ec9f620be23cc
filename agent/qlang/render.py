"""Write a filter back in the human syntax of §6.3, so that ``parse(render(x))`` gives ``x`` back."""

from __future__ import annotations

import re
from typing import Any

from .decode import as_expr
from .errors import FilterError
from .expr import And, Compare, Contains, Empty, Expr, IsTrue, Not, Or, Regex, Value

_FIELD = re.compile(r"[A-Za-z][A-Za-z0-9_/.]*\Z")
_KEYWORDS = frozenset({"not", "and", "or"})
# The parser turns these backslash pairs into whitespace inside a regex, so a
# pattern holding one literally cannot be written.
_WHITESPACE_ESCAPE = re.compile(r"\\[tnfr]")
# A quoted string's inner text as the parser reads it (escapes kept verbatim).
_QUOTED_INNER = {
    q: re.compile(r"(?:[^" + q + r"\n\r\\]|" + q + q + r"|\\(?:[^x]|x[0-9a-fA-F]+))*\Z")
    for q in "\"'"
}


def render(expr: Any) -> str:
    """The human form of a JSON filter or decoded expression.

    Raises FilterError for what the human syntax cannot say: the empty
    filter, empty ``&``/``|``, field names outside ``[A-Za-z][A-Za-z0-9_/.]*``,
    and strings or patterns the quoting cannot carry.
    """
    return _render(as_expr(expr))


def _render(expr: Expr) -> str:
    if isinstance(expr, Empty):
        raise FilterError("The empty filter has no human syntax")
    if isinstance(expr, (And, Or)):
        if not expr.operands:
            raise FilterError("An empty '&' or '|' has no human syntax")
        word = " and " if isinstance(expr, And) else " or "
        return word.join(_operand(e) for e in expr.operands)
    if isinstance(expr, Not):
        return _negated(expr.operand)
    if isinstance(expr, IsTrue):
        name = _field(expr.field)
        return f"({name})" if name in _KEYWORDS else name
    if isinstance(expr, Compare):
        return f"{_field(expr.field)} {expr.op} {_value(expr.value)}"
    if isinstance(expr, Regex):
        return f"{_field(expr.field)} =~ {_pattern(expr.pattern)}"
    assert isinstance(expr, Contains)
    return f"{_value(expr.value)} in {_field(expr.field)}"


def _negated(expr: Expr) -> str:
    """``!=``, ``!~`` and ``not in`` where they apply, else ``not X``."""
    if isinstance(expr, Compare) and expr.op == "==":
        return f"{_field(expr.field)} != {_value(expr.value)}"
    if isinstance(expr, Regex):
        return f"{_field(expr.field)} !~ {_pattern(expr.pattern)}"
    if isinstance(expr, Contains):
        return f"{_value(expr.value)} not in {_field(expr.field)}"
    return "not " + _operand(expr)


def _operand(expr: Expr) -> str:
    """Operands of and/or/not are parenthesised when they are and/or themselves."""
    text = _render(expr)
    return f"({text})" if isinstance(expr, (And, Or)) else text


def _field(name: str) -> str:
    if not _FIELD.match(name):
        raise FilterError(f"Field name '{name}' has no human syntax")
    return name


def _value(value: Value) -> str:
    if isinstance(value, int):
        return str(value)
    for quote in "\"'":
        if _QUOTED_INNER[quote].match(value):
            return f"{quote}{value}{quote}"
    raise FilterError(f"String {value!r} cannot be quoted in the human syntax")


def _pattern(pattern: str) -> str:
    """Delimit a pattern, escaping backslashes and the delimiter; newlines become ``\\n``."""
    if _WHITESPACE_ESCAPE.search(pattern):
        raise FilterError(f"Pattern {pattern!r} cannot be written in the human syntax")
    delimiter = next((d for d in "/#^|" if d not in pattern), "/")
    escaped = (
        pattern.replace("\\", "\\\\")
        .replace(delimiter, "\\" + delimiter)
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )
    return delimiter + escaped + delimiter
