"""Number parsing of option values the way Ganeti's tools read them.

Ganeti parses option values with Haskell's `reads`: leading blanks and
`0x`/`0o` prefixes are accepted, anything after the number is an error
("leftover characters"), and a fractional number is not an integer.
"""

from __future__ import annotations

import math
import re

_NUMBER = re.compile(
    r"(?P<neg>-\s*)?(?:(?P<hex>0[xX][0-9a-fA-F]+)|(?P<oct>0[oO][0-7]+)"
    r"|(?P<dec>\d+(?P<frac>\.\d+)?(?P<exp>[eE][+-]?\d+)?)|(?P<special>NaN|Infinity))"
)


class ReadError(ValueError):
    """A value could not be parsed; the message is Ganeti's wording."""


def _strip_parens(s: str) -> str:
    s = s.lstrip()
    while s.startswith("(") and s.rstrip().endswith(")"):
        s = s[1:].rstrip()[:-1].strip()
    return s


def _lex(what: str, text: str, integral: bool) -> tuple[float, str]:
    s = _strip_parens(text)
    m = _NUMBER.match(s)
    if not m:
        raise ReadError(f"{what}: cannot parse string '{text}'")
    sign = -1 if m.group("neg") else 1
    value: float
    if m.group("hex"):
        value = int(m.group("hex"), 16)
    elif m.group("oct"):
        value = int(m.group("oct")[2:], 8)
    elif m.group("special"):
        if integral:
            raise ReadError(f"{what}: cannot parse string '{text}'")
        value = math.nan if m.group("special") == "NaN" else math.inf
    else:
        dec = m.group("dec")
        if integral and (m.group("frac") or m.group("exp")):
            raise ReadError(f"{what}: cannot parse string '{text}'")
        value = int(dec) if integral else float(dec)
    rest = s[m.end():]
    if rest:
        raise ReadError(f"{what}: leftover characters when parsing '{text}': '{rest}'")
    return sign * value, rest


def read_int(what: str, text: str) -> int:
    """Parse an integer option value (`-l`, `--static-kvm-node-memory`)."""
    value, _ = _lex(what, text, integral=True)
    return int(value)


def read_float(what: str, text: str) -> float:
    """Parse a floating-point option value (`-g`, `--max-cpu`, ...)."""
    value, _ = _lex(what, text, integral=False)
    return float(value)
