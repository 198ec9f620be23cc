"""Output as Ganeti prints it: padded tables, size units, the YAML-like info tree, error messages."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from agent.errors import (
    GanetiError,
    JobLost,
    MasterUnreachable,
    OpCodeError,
    OpExecError,
    OpPrereqError,
    ParameterError,
)


def format_unit(mib: float, unit: str) -> str:
    """Ganeti's FormatUnit: ``h`` picks M, G or T; m/g/t force one."""
    if unit == "m" or (unit == "h" and mib < 1024):
        return f"{int(round(mib))}" + ("M" if unit == "h" else "")
    if unit == "g" or (unit == "h" and mib < 1024 * 1024):
        return f"{mib / 1024:.1f}" + ("G" if unit == "h" else "")
    return f"{mib / 1024 / 1024:.1f}" + ("T" if unit == "h" else "")


def table(headers: Sequence[str] | None, rows: list[list[str]], numeric: Sequence[bool],
          separator: str | None = None) -> list[str]:
    """Render rows: padded columns (numbers right-aligned), or joined with a separator."""
    all_rows = ([list(headers)] if headers is not None else []) + rows
    if separator is not None:
        return [separator.join(r) for r in all_rows]
    if not all_rows:
        return []
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(all_rows[0]))]
    out = []
    for row in all_rows:
        cells = []
        for i, cell in enumerate(row):
            last = i == len(row) - 1
            if numeric[i]:
                cells.append(cell.rjust(widths[i]))
            else:
                cells.append(cell if last else cell.ljust(widths[i]))
        out.append(" ".join(cells))
    return out


def format_ts(ts: Sequence[int] | None) -> str:
    if not ts:
        return "N/A"
    sec, usec = ts
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(sec)) + f".{usec:06d}"


def info_tree(value: Any, indent: int = 0) -> list[str]:
    """Ganeti's PrintGenericInfo layout: ``key: value``, nested blocks indented by two."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}: ")
                lines.extend(info_tree(item, indent + 1))
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                sub = info_tree(item, indent + 1)
                lines.append(f"{pad}- {sub[0].lstrip()}")
                lines.extend(sub[1:])
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    else:
        lines.append(f"{pad}{_scalar(value)}")
    return lines


def _scalar(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (dict, list)):
        return ""
    return str(value)


def to_json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True)


def format_error(exc: GanetiError) -> str:
    """The one-message form of an error, as Ganeti's command line prints it."""
    from agent.qlang import QueryFilterParseError

    if isinstance(exc, QueryFilterParseError):
        return exc.format_error()
    if isinstance(exc, OpPrereqError):
        if exc.code:
            return (
                "Failure: prerequisites not met for this operation:\n"
                f"error type: {exc.code}, error details:\n{exc.message}"
            )
        return f"Failure: prerequisites not met for this operation:\n{exc.message}"
    if isinstance(exc, OpExecError):
        return f"Failure: command execution error:\n{exc.message}"
    if isinstance(exc, ParameterError):
        return f"Failure: unknown/wrong parameter name '{exc.message}'"
    if isinstance(exc, OpCodeError):
        return f"Unhandled protocol error while talking to the master daemon:\n{exc.message}"
    if isinstance(exc, JobLost):
        return f"Error checking job status: {exc.message}"
    if isinstance(exc, MasterUnreachable):
        return exc.message
    return f"Unhandled Ganeti error: {exc.message}"
