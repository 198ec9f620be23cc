"""The live backend of the htools: the cluster read from the master over the Cluster API.

The master's objects are rendered in Ganeti's text-backend format and parsed by
the same loader as ``-t FILE``, so a live cluster and a saved one go through one
path (and ``--save-cluster`` of a live cluster is a valid ``-t`` file).
grpc is imported only here, so ``-t`` runs never pay for it.
"""

from __future__ import annotations

from typing import Any

from agent.htools import ClusterData, HtoolsError, parse_text


def _list(values: Any) -> str:
    return ",".join(str(v) for v in values or [])


def _num(value: Any) -> str:
    return "?" if value is None else str(int(value))


def node_line(node: dict[str, Any], master: str | None) -> str:
    live = node.get("live") or {}
    values = [live.get(k) for k in ("mtotal", "mnode", "mfree", "dtotal", "dfree", "ctotal")]
    if node.get("offline") or any(v is None for v in values):
        numbers = ["?"] * 6  # the loader takes a node without data as offline
    else:
        numbers = [_num(v) for v in values]
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


def cluster_text(client: Any) -> str:
    """The live cluster in Ganeti's text-backend format (default instance policies)."""
    cluster = client.cluster_info()
    groups = client.query("group")
    nodes = client.query("node", live=True)
    instances = client.query("instance", live=True)
    sections = [
        [f"{g['name']}|{g['uuid']}|{g.get('alloc_policy', 'preferred')}|{_list(g.get('tags'))}|"
         for g in groups],
        [node_line(n, cluster.get("master")) for n in nodes],
        [instance_line(i) for i in instances],
        [str(t) for t in cluster.get("tags") or []],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"


def load_master(address: str | None) -> ClusterData:
    """Read the cluster from the master at ``address`` (or the default resolution)."""
    from agent.errors import GanetiError
    from shell.client import ClusterClient

    try:
        with ClusterClient(address or None, timeout=30) as client:
            text = cluster_text(client)
            where = client.address
    except GanetiError as exc:
        raise HtoolsError(exc.message.replace("\n", " ")) from None
    return parse_text(text, f"master {where}")
