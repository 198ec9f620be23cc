"""A live cluster (the Cluster API's objects) rendered in Ganeti's text-backend format.

Live and saved clusters then go through one loader, and a live cluster saved
with ``-S`` is a valid ``-t`` file. Pure: it only turns dictionaries into text.
"""

from __future__ import annotations

from typing import Any


def _list(values: Any) -> str:
    return ",".join(str(v) for v in values or [])


def node_line(node: dict[str, Any], master: str | None) -> str:
    live = node.get("live") or {}
    values = [live.get(k) for k in ("mtotal", "mnode", "mfree", "dtotal", "dfree", "ctotal")]
    numbers = ["?"] * 6  # the loader takes a node without data as offline
    known = [int(v) for v in values if isinstance(v, (int, float))]
    if not node.get("offline") and len(known) == len(values):
        numbers = [str(v) for v in known]
    role = "Y" if node.get("offline") else "M" if node["name"] == master else "N"
    return "|".join([node["name"], *numbers, role, node["group"], "1", _list(node.get("tags")),
                     "N", "0", "1", "1.0"])


def instance_line(inst: dict[str, Any]) -> str:
    be = inst.get("be_filled") or {}
    snodes = inst.get("snodes") or []
    return "|".join([
        inst["name"], str(int(be.get("maxmem", 128))), str(sum(inst.get("disk_sizes") or [])),
        str(int(be.get("vcpus", 1))), inst.get("status") or "ERROR_nodedown",
        "Y" if be.get("auto_balance", True) else "N", inst.get("pnode") or "",
        snodes[0] if snodes else "", inst.get("disk_template") or "diskless",
        _list(inst.get("tags")), str(int(be.get("spindle_use", 1))), "-",
        "Y" if inst.get("forthcoming") else "N",
    ])


def render_live(cluster: dict[str, Any], groups: list[dict[str, Any]], nodes: list[dict[str, Any]],
                instances: list[dict[str, Any]]) -> str:
    """The text-backend file of a live cluster (nodes and instances with their live state)."""
    sections = [
        [f"{g['name']}|{g['uuid']}|{g.get('alloc_policy', 'preferred')}|{_list(g.get('tags'))}|"
         for g in groups],
        [node_line(n, cluster.get("master")) for n in nodes],
        [instance_line(i) for i in instances],
        [str(t) for t in cluster.get("tags") or []],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"
