"""Ganeti's defaults and derived figures that go into an IAllocator request.

Instance policies and node parameters are stored partially (only what an
operator set); the request carries them filled, as Ganeti's master sends them.
Pure functions over plain dictionaries.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

IALLOCATOR_VERSION = 2
DRBD_META_SIZE = 128
DISK_TEMPLATES = (
    "diskless", "file", "sharedfile", "plain", "blockdev", "drbd", "rbd", "ext", "gluster",
)
# Templates whose disks are mirrored over the network: they need a secondary node.
INT_MIRROR = frozenset({"drbd"})
EXT_MIRROR = frozenset({"diskless", "blockdev", "ext", "sharedfile", "rbd", "gluster"})
# Templates for which nodes report their storage (file and LVM); the others get zeros.
REPORTED_STORAGE = frozenset({"file", "plain", "drbd"})
LVM_TEMPLATES = frozenset({"plain", "drbd"})

_MIN_SPEC = {
    "memory-size": 128, "cpu-count": 1, "disk-count": 1, "disk-size": 1024,
    "nic-count": 1, "spindle-use": 1,
}
_MAX_SPEC = {
    "memory-size": 32768, "cpu-count": 8, "disk-count": 16, "disk-size": 1024 * 1024,
    "nic-count": 8, "spindle-use": 12,
}
IPOLICY_DEFAULTS: dict[str, Any] = {
    "minmax": [{"min": _MIN_SPEC, "max": _MAX_SPEC}],
    "std": dict(_MIN_SPEC),
    "disk-templates": list(DISK_TEMPLATES),
    "vcpu-ratio": 4.0,
    "spindle-ratio": 32.0,
}
NDPARAMS_DEFAULTS: dict[str, Any] = {
    "oob_program": "",
    "spindle_count": 1,
    "exclusive_storage": False,
    "ovs": False,
    "ovs_name": "switch1",
    "ovs_link": "",
    "ssh_port": 22,
    "cpu_speed": 1.0,
}


def fill_ipolicy(defaults: Mapping[str, Any], custom: Mapping[str, Any]) -> dict[str, Any]:
    """A policy with every key: custom values win, ``std`` is filled key by key."""
    out = copy.deepcopy(dict(custom))
    for key, value in defaults.items():
        if key not in out:
            out[key] = copy.deepcopy(value)
        elif key == "std":
            out[key] = {**value, **out[key]}
    return out


def cluster_ipolicy(cluster: Mapping[str, Any]) -> dict[str, Any]:
    """The cluster's policy; its templates default to the enabled ones (as ``cluster init`` sets them)."""
    stored = cluster.get("ipolicy") or {}
    defaults = dict(IPOLICY_DEFAULTS)
    enabled = cluster.get("enabled_disk_templates") or []
    defaults["disk-templates"] = [t for t in DISK_TEMPLATES if t in enabled]
    return fill_ipolicy(defaults, stored)


def group_ipolicy(cluster: Mapping[str, Any], group: Mapping[str, Any]) -> dict[str, Any]:
    return fill_ipolicy(cluster_ipolicy(cluster), group.get("ipolicy") or {})


def node_ndparams(
    cluster: Mapping[str, Any], group: Mapping[str, Any] | None, node: Mapping[str, Any]
) -> dict[str, Any]:
    """Node parameters filled from the node, its group, the cluster and the defaults."""
    out = dict(NDPARAMS_DEFAULTS)
    out.update(cluster.get("ndparams") or {})
    if group is not None:
        out.update(group.get("ndparams") or {})
    out.update(node.get("ndparams") or {})
    return out


def disk_space(disks: Iterable[Mapping[str, Any]]) -> int:
    """Disk a node must have free for these disks (each with ``dev_type`` and ``size``)."""
    total = 0
    for disk in disks:
        dev_type = disk.get("dev_type")
        size = int(disk.get("size") or 0)
        if dev_type in ("diskless", "blockdev"):
            continue
        total += size + DRBD_META_SIZE if dev_type == "drbd" else size
    return total


def required_nodes(disk_template: str) -> int:
    return 2 if disk_template in INT_MIRROR else 1
