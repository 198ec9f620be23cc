"""``cluster init``: create the state directory, the cluster CA and the first configuration."""

from __future__ import annotations

import os
import uuid as uuidlib
from pathlib import Path

from agent import pki
from agent.errors import ConfigError, OpPrereqError
from agent.master.iallocator.runner import AllocatorRunError
from agent.master.iallocator.runner import resolve as resolve_allocator
from agent.master.lu.instance import BE_DEFAULTS
from agent.node.service import NodeIdentity
from agent.store import ConfigObject, Put, SqliteStore

STORE_FILE = "config.db"
DEFAULT_SOCKET = "master.sock"


def init_cluster(
    state_dir: Path,
    cluster_name: str,
    master_node: str,
    master_ip: str = "127.0.0.1",
    agent_port: int = 1811,
    enabled_disk_templates: tuple[str, ...] = ("file", "diskless"),
    enabled_hypervisors: tuple[str, ...] = ("fake",),
    default_iallocator: str = "hail",
) -> None:
    """Create a new cluster whose master node is this machine's agent in ``state_dir``."""
    store_path = state_dir / STORE_FILE
    if store_path.exists():
        raise ConfigError(f"Cluster is already initialised (found {store_path})")
    if default_iallocator:
        try:
            resolve_allocator(default_iallocator)
        except AllocatorRunError:
            raise OpPrereqError(
                f"Invalid default iallocator script '{default_iallocator}' specified", "wrong_input"
            ) from None
    state_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(state_dir, 0o700)

    ca = pki.CertificateAuthority.create(cluster_name)
    ca.save(state_dir)
    client_cert, client_key = ca.issue(pki.MASTER_IDENTITY)
    (state_dir / pki.CLIENT_CERT).write_bytes(client_cert)
    pki.write_private(state_dir / pki.CLIENT_KEY, client_key)
    admin_cert, admin_key = ca.issue(pki.ADMIN_PREFIX + "root")
    (state_dir / pki.ADMIN_CERT).write_bytes(admin_cert)
    pki.write_private(state_dir / pki.ADMIN_KEY, admin_key)
    # The master node's certificate also serves the TCP Cluster API, reached by address.
    node_cert, node_key = ca.issue(master_node, master_ip)
    (state_dir / pki.NODE_CERT).write_bytes(node_cert)
    pki.write_private(state_dir / pki.NODE_KEY, node_key)
    NodeIdentity(master_node, cluster_name, pki.MASTER_IDENTITY).save(state_dir)

    group = ConfigObject(
        "group", str(uuidlib.uuid4()), "default",
        {"name": "default", "alloc_policy": "preferred", "ndparams": {}, "diskparams": {},
         "ipolicy": {}, "networks": {}, "tags": []},
    )
    node = ConfigObject(
        "node", str(uuidlib.uuid4()), master_node,
        {"name": master_node, "primary_ip": master_ip, "secondary_ip": master_ip,
         "agent_port": agent_port, "group": group.uuid, "master_candidate": True,
         "drained": False, "offline": False, "master_capable": True, "vm_capable": True,
         "powered": True, "ndparams": {}, "tags": []},
    )
    cluster = ConfigObject(
        "cluster", str(uuidlib.uuid4()), cluster_name,
        {
            "cluster_name": cluster_name,
            "master_node": node.uuid,
            "master_ip": master_ip,
            "enabled_hypervisors": list(enabled_hypervisors),
            "default_hypervisor": enabled_hypervisors[0],
            "hvparams": {hv: {} for hv in enabled_hypervisors},
            "os_hvp": {},
            "beparams": {"default": dict(BE_DEFAULTS)},
            "nicparams": {"default": {"mode": "bridged", "link": "br0", "vlan": ""}},
            "ndparams": {}, "diskparams": {}, "ipolicy": {},
            "osparams": {}, "osparams_private_cluster": {},
            "enabled_disk_templates": list(enabled_disk_templates),
            "volume_group_name": None,
            "file_storage_dir": str(state_dir / "file-storage"),
            "highest_used_port": 10999,
            "tcpudp_port_pool": [],
            "mac_prefix": "aa:00:00",
            "default_iallocator": default_iallocator,
            "default_iallocator_params": {},
            "max_running_jobs": 20,
            "max_tracked_jobs": 25,
            "candidate_pool_size": 10,
            "tags": [],
        },
    )
    store = SqliteStore(store_path, create=True)
    try:
        store.commit([Put(cluster), Put(group), Put(node)])
    finally:
        store.close()
