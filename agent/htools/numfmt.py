"""Number formatting the way Ganeti's Haskell code prints numbers.

Python's `%.Nf` already matches Haskell's printf; these cover `show` for
doubles, printf's `%f` without precision, and hbal's `%g`.
"""

from __future__ import annotations

import math
from decimal import Decimal


def _shortest_digits(x: float) -> tuple[str, int]:
    """Shortest round-trip digits of |x| and the decimal exponent e (0.d1d2.. x 10^e)."""
    dec = Decimal(repr(abs(x)))
    sign, digits, exp = dec.as_tuple()
    assert isinstance(exp, int)
    ds = "".join(str(d) for d in digits).lstrip("0")
    lead_zeros = len(digits) - len("".join(str(d) for d in digits).lstrip("0"))
    ds_full = ds.rstrip("0")
    e = len(digits) + exp - lead_zeros
    return ds_full or "0", e


def _fixed(x: float) -> str:
    if x == 0:
        return "0.0"
    ds, e = _shortest_digits(x)
    sign = "-" if x < 0 else ""
    if e <= 0:
        return f"{sign}0.{'0' * (-e)}{ds}"
    if len(ds) <= e:
        return f"{sign}{ds}{'0' * (e - len(ds))}.0"
    return f"{sign}{ds[:e]}.{ds[e:]}"


def show_ffloat(x: float) -> str:
    """Haskell `printf "%f"` / `showFFloat Nothing`: fixed, shortest digits."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return _fixed(x)


def show_double(x: float) -> str:
    """Haskell `show` for a Double (`4.0`, `0.1`, `1.0e-2`, `1.0e7`)."""
    if math.isnan(x) or math.isinf(x):
        return show_ffloat(x)
    if x == 0:
        return "0.0"
    ax = abs(x)
    if 0.1 <= ax < 10**7:
        return _fixed(x)
    ds, e = _shortest_digits(x)
    sign = "-" if x < 0 else ""
    return f"{sign}{ds[0]}.{ds[1:] or '0'}e{e - 1}"


def format_g(x: float) -> str:
    """Haskell printf `%.6g` as hbal's "already balanced" message prints it."""
    if x == 0:
        return "0.000000"
    if 0.1 <= abs(x) < 10**7:
        return "%.6f" % x
    mant, exp = ("%.6e" % x).split("e")
    return f"{mant}e{int(exp)}"
