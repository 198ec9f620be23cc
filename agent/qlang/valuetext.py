"""How Ganeti's Haskell side prints JSON values and literals inside its error messages."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

_HASKELL_CONTROL_NAMES = (
    "NUL SOH STX ETX EOT ENQ ACK \\a \\b \\t \\n \\v \\f \\r SO SI "
    "DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US"
).split()


def haskell_double(x: float) -> str:
    """Haskell's ``show`` of a Double: ``1.5``, ``1.0e-3``, ``1.0e7``."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    sign = "-" if x < 0 or math.copysign(1.0, x) < 0 else ""
    x = abs(x)
    if x == 0:
        return sign + "0.0"
    digits, exponent = _shortest_digits(x)
    if 0.1 <= x < 10**7:
        if exponent <= 0:
            return f"{sign}0.{'0' * -exponent}{digits}"
        whole, frac = digits[:exponent].ljust(exponent, "0"), digits[exponent:]
        return f"{sign}{whole}.{frac or '0'}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}e{exponent - 1}"


def _shortest_digits(x: float) -> tuple[str, int]:
    """Shortest round-trip digits and the decimal exponent e with x = 0.DIGITS * 10**e."""
    mantissa, _, exp_text = f"{x:.17e}".partition("e")
    for precision in range(1, 18):
        candidate = f"{x:.{precision - 1}e}"
        if float(candidate) == x:
            mantissa, _, exp_text = candidate.partition("e")
            break
    digits = mantissa.replace(".", "").rstrip("0") or "0"
    return digits, int(exp_text) + 1


def haskell_rational(value: float | int | Decimal) -> str:
    """Haskell's ``show`` of a Rational read from a JSON number: ``3 % 2``."""
    frac = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    num = f"({frac.numerator})" if frac.numerator < 0 else str(frac.numerator)
    return f"{num} % {frac.denominator}"


def haskell_string(text: str) -> str:
    """Haskell's ``show`` of a String (decimal escapes for non-ASCII, ``\\&`` protection)."""
    out = ['"']
    protect = ""  # characters that must not directly follow the last escape
    for ch in text:
        if ch in protect:
            out.append("\\&")
        code = ord(ch)
        protect = ""
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif code < 32:
            name = _HASKELL_CONTROL_NAMES[code]
            out.append(name if name.startswith("\\") else "\\" + name)
            protect = "H" if name == "SO" else ""
        elif code == 127:
            out.append("\\DEL")
        elif code > 127:
            out.append(f"\\{code}")
            protect = "0123456789"
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def show_filter_value(value: str | int) -> str:
    """Haskell's ``show`` of a filter literal: ``QuotedString "x"``, ``NumericValue (-5)``."""
    if isinstance(value, str):
        return f"QuotedString {haskell_string(value)}"
    return f"NumericValue {value}" if value >= 0 else f"NumericValue ({value})"


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, int) or (math.isfinite(value) and value == int(value)):
        return str(int(value))
    return haskell_double(float(value))


def _pp_string(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif code < 32 or 127 <= code < 160:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def pretty_json(value: Any) -> str:
    """Text.JSON's ``pp_value`` on one line: ``[1, "a", {"k": true}]``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return _number(value)
    if isinstance(value, str):
        return _pp_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(pretty_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{_pp_string(str(k))}: {pretty_json(v)}" for k, v in value.items())
            + "}"
        )
    return _pp_string(str(value))


_SHORT_ESCAPES = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _encoded_string(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif ord(ch) < 32:
            out.append(f"\\u{ord(ch):04x}")
        elif ch in '"\\':
            out.append("\\" + ch)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def compact_json(value: Any) -> str:
    """Text.JSON's ``encode``: no spaces, ``[1,"a\\n"]``."""
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(compact_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(f"{_encoded_string(str(k))}:{compact_json(v)}" for k, v in value.items())
            + "}"
        )
    if isinstance(value, str):
        return _encoded_string(value)
    return pretty_json(value)
