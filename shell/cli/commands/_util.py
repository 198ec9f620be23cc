"""Parsing helpers shared by the command groups."""

from __future__ import annotations

from typing import Any

from shell.cli.tree import UsageError


def parse_kv(text: str, what: str) -> dict[str, Any]:
    """``a=1,b=2`` as Ganeti's key=value options; ``no_x`` and ``-x`` set false."""
    out: dict[str, Any] = {}
    for item in (p for p in text.split(",") if p):
        if "=" in item:
            key, value = item.split("=", 1)
            out[key] = value
        elif item.startswith("no_"):
            out[item[3:]] = False
        elif item.startswith("-"):
            out[item[1:]] = None
        else:
            out[item] = True
    if not out:
        raise UsageError(f"Invalid {what}: '{text}'")
    return out


def parse_indexed(text: str, what: str) -> tuple[int, dict[str, Any]]:
    """``0:size=10G,mode=rw`` as in ``--disk`` and ``--net``."""
    index, sep, rest = text.partition(":")
    if not sep or not index.isdigit():
        raise UsageError(f"Invalid {what} specification '{text}': expected N:key=value,...")
    return int(index), parse_kv(rest, what) if rest else {}
