"""Values read and shown the way Ganeti's Haskell tools do, for Ganeti's error wording.

Ganeti parses the numbers of a text-backend file with Haskell's `reads`
(leading blanks, optional parentheses, `0x`/`0o` prefixes and a separate
minus sign are accepted; anything after the number is "leftover"; a number
with a fraction or exponent is not an integer) and quotes bad values with
Haskell's `show`. Reproducing both lets a load error say exactly what
Ganeti's hinfo, hbal and hcheck say.
"""

from __future__ import annotations

import math
import re

_SYMBOL_CHARS = frozenset("!#$%&*+./<=>?@\\^|-~:")
_PUNC_CHARS = frozenset(",;()[]{}`")
_DIGITS = {8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}
_ASCII_NAMES = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
    "ESC", "FS", "GS", "RS", "US",
)
_SHORT_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                  "\v": "\\v", "\\": "\\\\", '"': '\\"'}


class ReadFailure(ValueError):
    """A value Haskell's `reads` rejects; the message is Ganeti's (`tryRead`)."""


# -- a token of Haskell's lexer (only what number reading needs) -----------------

_Token = tuple[str, object]   # ("num", (base, int digits, frac, exp)) / ("id", s) / ("sym", s) / ...


def _skip_spaces(s: str, pos: int) -> int:
    while pos < len(s) and s[pos].isspace():
        pos += 1
    return pos


def _digits(s: str, pos: int, base: int) -> int:
    ok = _DIGITS[base]
    while pos < len(s) and s[pos] in ok:
        pos += 1
    return pos


def _lex_number(s: str, pos: int) -> tuple[_Token, int]:
    if s[pos] == "0" and pos + 1 < len(s) and s[pos + 1] in "xXoO":
        base = 16 if s[pos + 1] in "xX" else 8
        end = _digits(s, pos + 2, base)
        if end > pos + 2:
            return ("num", (base, s[pos + 2:end], None, None)), end
    end = _digits(s, pos, 10)
    whole = s[pos:end]
    frac = None
    if end + 1 < len(s) and s[end] == "." and s[end + 1] in _DIGITS[10]:
        fend = _digits(s, end + 1, 10)
        frac, end = s[end + 1:fend], fend
    exp = None
    if end < len(s) and s[end] in "eE":
        epos = end + 1
        sign = ""
        if epos < len(s) and s[epos] in "+-":
            sign, epos = s[epos], epos + 1
        eend = _digits(s, epos, 10)
        if eend > epos:
            exp, end = sign + s[epos:eend], eend
    return ("num", (10, whole, frac, exp)), end


def _lex(s: str, pos: int) -> tuple[_Token, int] | None:
    """One token after blanks, or None at the end of the text."""
    pos = _skip_spaces(s, pos)
    if pos >= len(s):
        return None
    c = s[pos]
    if c in "0123456789":
        return _lex_number(s, pos)
    if c.isalpha() or c == "_":
        end = pos + 1
        while end < len(s) and (s[end].isalnum() or s[end] in "_'"):
            end += 1
        return ("id", s[pos:end]), end
    if c in _PUNC_CHARS:
        return ("punc", c), pos + 1
    if c in _SYMBOL_CHARS:
        end = pos + 1
        while end < len(s) and s[end] in _SYMBOL_CHARS:
            end += 1
        return ("sym", s[pos:end]), end
    return ("other", c), pos + 1


def _convert(tok: _Token, integral: bool) -> float | int | None:
    kind, val = tok
    if kind == "id":
        if integral:
            return None
        return {"NaN": math.nan, "Infinity": math.inf}.get(str(val))
    if kind != "num":
        return None
    assert isinstance(val, tuple)
    base, whole, frac, exp = val
    if base != 10:
        number = int(whole, base)
        return number if integral else float(number)
    if integral:
        if frac is not None or exp is not None:
            return None
        return int(whole)
    text = whole + ("." + frac if frac is not None else "") + ("e" + exp if exp is not None else "")
    return float(text)


def _read_number(s: str, pos: int, integral: bool) -> list[tuple[float | int, int]]:
    """Haskell's `readNumber` at `pos`, inside optional parentheses."""
    out: list[tuple[float | int, int]] = []
    first = _lex(s, pos)
    if first is None:
        return out
    tok, end = first
    if tok == ("sym", "-"):
        second = _lex(s, end)
        if second is not None:
            val = _convert(second[0], integral)
            if val is not None:
                out.append((-val, second[1]))
    else:
        val = _convert(tok, integral)
        if val is not None:
            out.append((val, end))
    if tok == ("punc", "("):
        for val, inner in _read_number(s, end, integral):
            close = _lex(s, inner)
            if close is not None and close[0] == ("punc", ")"):
                out.append((val, close[1]))
    return out


def _wrap_int(value: int) -> int:
    """Haskell's `Int` wraps around at 64 bits."""
    return (value + (1 << 63)) % (1 << 64) - (1 << 63)


def _try_read(name: str, text: str, integral: bool) -> float | int:
    results = _read_number(text, 0, integral)
    if len(results) == 1:
        value, end = results[0]
        if end == len(text):
            return _wrap_int(int(value)) if integral else float(value)
        raise ReadFailure(f"{name}: leftover characters when parsing '{text}': '{text[end:]}'")
    raise ReadFailure(f"{name}: cannot parse string '{text}'")


_PLAIN_DOUBLE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def read_int(name: str, text: str) -> int:
    """Ganeti's `tryRead name text` for an `Int`; `ReadFailure` with Ganeti's message."""
    digits = text[1:] if text[:1] == "-" else text
    if digits.isascii() and digits.isdigit():  # the usual case, read directly
        return _wrap_int(int(text))
    return int(_try_read(name, text, True))


def read_double(name: str, text: str) -> float:
    """Ganeti's `tryRead name text` for a `Double`; `ReadFailure` with Ganeti's message."""
    if _PLAIN_DOUBLE.fullmatch(text):  # the usual case, read directly
        return float(text)
    return float(_try_read(name, text, False))


# -- show ---------------------------------------------------------------------------


def show_string(text: str) -> str:
    """Haskell's `show` of a string: double quotes and Haskell escapes."""
    out = ['"']
    for k, c in enumerate(text):
        nxt = text[k + 1] if k + 1 < len(text) else ""
        code = ord(c)
        if c in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[c])
        elif code > 127:
            out.append(f"\\{code}" + ("\\&" if nxt.isdigit() and nxt.isascii() else ""))
        elif code == 127:
            out.append("\\DEL")
        elif code < 32:
            out.append("\\" + _ASCII_NAMES[code] + ("\\&" if code == 14 and nxt == "H" else ""))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def show_strings(items: list[str]) -> str:
    """Haskell's `show` of a list of strings."""
    return "[" + ",".join(show_string(s) for s in items) + "]"
