"""Store bench's configuration: a Ganeti-shaped cluster of NODES nodes and N instances, in the store and as one JSON document."""

from __future__ import annotations

import random
import uuid as uuidlib
from collections.abc import Sequence
from typing import Any

from agent.master.lu.instance import BE_DEFAULTS
from agent.store import ConfigObject, Delete, Put, SqliteStore

NODES = 40
BATCH = 1000

def _uuid(rng: random.Random) -> str:
    return str(uuidlib.UUID(int=rng.getrandbits(128), version=4))


def base_config(rng: random.Random) -> tuple[ConfigObject, ConfigObject, list[ConfigObject]]:
    """A cluster, its default group and ``NODES`` nodes, shaped as ``cluster init`` makes them."""
    group = ConfigObject(
        "group",
        _uuid(rng),
        "default",
        {
            "name": "default",
            "alloc_policy": "preferred",
            "ndparams": {},
            "diskparams": {},
            "ipolicy": {},
            "networks": {},
            "tags": [],
        },
    )
    nodes = [
        ConfigObject(
            "node",
            _uuid(rng),
            f"node{i:02d}.example.com",
            {
                "name": f"node{i:02d}.example.com",
                "primary_ip": f"192.0.2.{i + 1}",
                "secondary_ip": f"198.51.100.{i + 1}",
                "agent_port": 1811,
                "group": group.uuid,
                "master_candidate": i < 10,
                "drained": False,
                "offline": False,
                "master_capable": True,
                "vm_capable": True,
                "powered": True,
                "ndparams": {},
                "tags": [],
            },
        )
        for i in range(NODES)
    ]
    cluster = ConfigObject(
        "cluster",
        _uuid(rng),
        "bench-cluster",
        {
            "cluster_name": "bench-cluster",
            "master_node": nodes[0].uuid,
            "master_ip": "192.0.2.254",
            "enabled_hypervisors": ["kvm"],
            "default_hypervisor": "kvm",
            "hvparams": {"kvm": {}},
            "os_hvp": {},
            "beparams": {"default": dict(BE_DEFAULTS)},
            "nicparams": {"default": {"mode": "bridged", "link": "br0", "vlan": ""}},
            "ndparams": {},
            "diskparams": {},
            "ipolicy": {},
            "osparams": {},
            "osparams_private_cluster": {},
            "enabled_disk_templates": ["file", "diskless"],
            "volume_group_name": None,
            "file_storage_dir": "/srv/ganeti/file-storage",
            "highest_used_port": 10999,
            "tcpudp_port_pool": [],
            "mac_prefix": "aa:00:00",
            "default_iallocator": "",
            "max_running_jobs": 20,
            "max_tracked_jobs": 25,
            "candidate_pool_size": 10,
            "tags": [],
        },
    )
    return cluster, group, nodes


def make_instance(
    index: int, nodes: Sequence[ConfigObject], rng: random.Random
) -> tuple[ConfigObject, list[ConfigObject]]:
    """One instance with two file disks and one NIC, with the fields ``OP_INSTANCE_CREATE`` writes."""
    name = f"vm{index:05d}.example.com"
    inst_uuid = _uuid(rng)
    pnode = nodes[index % len(nodes)]
    disks = [
        ConfigObject(
            "disk",
            _uuid(rng),
            f"{inst_uuid}/disk{d}",
            {
                "dev_type": "file",
                "size": size,
                "mode": "rw",
                "name": None,
                "iv_name": f"disk/{d}",
                "nodes": [pnode.uuid],
                "instance": inst_uuid,
                "params": {},
                "logical_id": ["loop", f"/srv/ganeti/file-storage/{name}/disk{d}"],
            },
        )
        for d, size in enumerate((10240, rng.choice((2048, 20480, 102400))))
    ]
    memory = rng.choice((512, 1024, 2048, 4096))
    inst = ConfigObject(
        "instance",
        inst_uuid,
        name,
        {
            "name": name,
            "primary_node": pnode.uuid,
            "os": "debootstrap+default",
            "hypervisor": "kvm",
            "hvparams": {"boot_order": "disk", "serial_console": True},
            "beparams": {"minmem": memory, "maxmem": memory, "vcpus": rng.choice((1, 2, 4))},
            "osparams": {},
            "osparams_private": {},
            "admin_state": "up",
            "admin_state_source": "admin",
            "nics": [
                {
                    "uuid": _uuid(rng),
                    "mac": f"aa:00:00:{index >> 16 & 255:02x}:"
                    f"{index >> 8 & 255:02x}:{index & 255:02x}",
                    "ip": f"10.{index >> 16 & 255}.{index >> 8 & 255}.{index & 255}",
                    "name": None,
                    "network": None,
                    "nicparams": {"mode": "bridged", "link": "br0", "vlan": ""},
                }
            ],
            "disks": [d.uuid for d in disks],
            "disks_active": True,
            "disk_template": "file",
            "tags": ["service:web", f"team:t{index % 17}"],
        },
    )
    return inst, disks


def populate(store: SqliteStore, count: int, rng: random.Random) -> list[ConfigObject]:
    """Write a cluster with ``count`` instances, ``BATCH`` instances per transaction."""
    cluster, group, nodes = base_config(rng)
    store.commit([Put(cluster), Put(group), *map(Put, nodes)])
    instances: list[ConfigObject] = []
    for first in range(0, count, BATCH):
        changes: list[Put | Delete] = []
        for index in range(first, min(count, first + BATCH)):
            inst, disks = make_instance(index, nodes, rng)
            changes += [*map(Put, disks), Put(inst)]
            instances.append(inst)
        store.commit(changes)
    return instances


def ganeti_config_document(store: SqliteStore) -> dict[str, Any]:
    """The same configuration as one ``config.data`` document, Ganeti's layout."""

    def by_uuid(kind: str) -> dict[str, Any]:
        return {o.uuid: o.to_dict() for o in store.objects(kind)}

    return {
        "version": 3160000,
        "serial_no": store.cluster_serial(),
        "ctime": 0.0,
        "mtime": 0.0,
        "cluster": store.objects("cluster")[0].to_dict(),
        "nodegroups": by_uuid("group"),
        "nodes": by_uuid("node"),
        "instances": by_uuid("instance"),
        "disks": by_uuid("disk"),
        "networks": {},
        "filters": {},
    }
