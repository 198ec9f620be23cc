"""Utilisation bars and sparkline series: how the TUI shows a fraction or a trend in a few cells.

Pure rendering helpers (rich ``Text``), used by the Overview, Balance and
Cluster screens for per-node memory, disk and cpu use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from rich.text import Text

EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
WARN_AT = 0.75
ALERT_AT = 0.90
RESOURCES = ("memory", "disk", "cpu")


def bar_style(fraction: float) -> str:
    """Green while comfortable, yellow from 75 %, red from 90 % (over 100 % is red too)."""
    if fraction >= ALERT_AT:
        return "red"
    if fraction >= WARN_AT:
        return "yellow"
    return "green"


def usage_bar(fraction: float | None, width: int = 10, *, percent: bool = True) -> Text:
    """``fraction`` (0..1, may exceed 1) as a bar of ``width`` cells, then its percentage.

    Unknown values (an offline node, no live data) show as a dim question mark
    so that they are never mistaken for an empty node.
    """
    label_width = 5 if percent else 0
    if fraction is None:
        return Text("?".center(width + label_width), style="dim")
    shown = min(max(fraction, 0.0), 1.0)
    eighths = round(shown * width * 8)
    full, rest = divmod(eighths, 8)
    body = FULL * full + (EIGHTHS[rest] if rest and full < width else "")
    text = Text(body.ljust(width), style=bar_style(fraction))
    text.stylize("on grey23", len(body), width)
    if percent:
        text.append(f"{fraction * 100:4.0f}%", style="bold" if fraction >= ALERT_AT else "")
    return text


def change_bar(before: float | None, after: float | None, width: int = 8) -> Text:
    """Before and after as two bars with an arrow between them (the Balance screen's cells)."""
    text = usage_bar(before, width)
    text.append(" → ")
    text.append_text(usage_bar(after, width))
    return text


def node_usage(node: Mapping[str, Any], vcpus: int | None = None) -> dict[str, float | None]:
    """Memory, disk and cpu use of a node as returned by ``query("node", live=True)``.

    Memory counts what the node and its instances use (``mtotal - mfree``); cpu
    is ``vcpus`` (its primary instances' virtual cpus) per physical cpu, as
    htools counts it. Offline or unreachable nodes have no live data: every
    value is None.
    """
    live = node.get("live") or {}

    def used(total_key: str, free_key: str) -> float | None:
        total, free = live.get(total_key), live.get(free_key)
        if not isinstance(total, (int, float)) or not isinstance(free, (int, float)) or total <= 0:
            return None
        return (float(total) - float(free)) / float(total)

    ctotal = live.get("ctotal")
    cpu = None
    if vcpus is not None and isinstance(ctotal, (int, float)) and ctotal > 0:
        cpu = vcpus / float(ctotal)
    return {"memory": used("mtotal", "mfree"), "disk": used("dtotal", "dfree"), "cpu": cpu}


def instance_vcpus(instances: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Virtual cpus of the instances on each primary node (what htools counts as cpu use)."""
    used: dict[str, int] = {}
    for inst in instances:
        pnode = inst.get("pnode")
        if not pnode:
            continue
        vcpus = (inst.get("be_filled") or {}).get("vcpus", 1)
        used[pnode] = used.get(pnode, 0) + int(vcpus if isinstance(vcpus, (int, float)) else 1)
    return used


def spark_series(samples: Sequence[Any], field: str, seconds: int, bucket: int = 1,
                 combine: Callable[[list[float]], float] = sum) -> list[float]:
    """The last ``seconds`` of a per-second history as a sparkline series.

    ``samples`` are history points (oldest first), mappings or objects with the
    attribute ``field``. With ``bucket`` > 1, consecutive seconds are combined
    (summed by default: counts per bucket; ``max`` for levels such as a queue
    depth) so a narrow sparkline still covers the whole window.
    """
    values: list[float] = []
    for sample in list(samples)[-seconds:]:
        value = sample.get(field, 0) if isinstance(sample, Mapping) else getattr(sample, field, 0)
        values.append(float(value or 0))
    if bucket <= 1:
        return values
    start = len(values) % bucket
    head = [combine(values[:start])] if start else []
    return head + [combine(values[i:i + bucket]) for i in range(start, len(values), bucket)]


__all__ = ["RESOURCES", "bar_style", "change_bar", "instance_vcpus", "node_usage", "spark_series",
           "usage_bar"]
