"""Prerequisite checks of failover, migrate and replace-disks, against a real store and fake nodes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.errors import OpPrereqError
from agent.master import opcodes
from agent.master.config import Config
from agent.master.lu import REGISTRY, LuContext
from agent.store import ConfigObject, Put, SqliteStore
from protos import node_pb2


class FakeNodes:
    """Answers the NodeAgent calls the checks make: node info, running instances, DRBD state."""

    def __init__(self) -> None:
        self.free_mib: dict[str, int] = {}
        self.running: dict[str, list[str]] = {}

    async def call(self, node: ConfigObject, method: Any, request: Any, **_: Any) -> Any:
        name = method(_Names())
        if name == "NodeInfo":
            return node_pb2.NodeInfoReply(memory_free_mib=self.free_mib.get(node.name, 8192))
        if name == "InstanceList":
            return node_pb2.InstanceListReply(instances=[
                node_pb2.InstanceState(name=i, running=True, memory_mib=512)
                for i in self.running.get(node.name, [])
            ])
        if name == "DrbdStatus":
            return node_pb2.DrbdStatusReply(disks=[
                node_pb2.DrbdState(uuid=u, exists=True, role="secondary", connection="Connected",
                                   disk_state="UpToDate", sync_percent=100.0)
                for u in request.uuids
            ])
        raise AssertionError(f"unexpected call {name} to {node.name}")


class _Names:
    def __getattr__(self, name: str) -> str:
        return name


@pytest.fixture
def config(tmp_path: Path) -> Iterator[Config]:
    cfg = Config(SqliteStore(tmp_path / "config.db", create=True))
    group = ConfigObject("group", "g1", "default", {"name": "default"})
    nodes = [
        ConfigObject("node", f"u{i}", f"node{i}", {
            "name": f"node{i}", "group": "g1", "primary_ip": "127.0.0.1", "offline": False,
            "drained": i == 4, "vm_capable": True,
        })
        for i in range(1, 5)
    ]
    cluster = ConfigObject("cluster", "c1", "test", {
        "master_node": "u1", "beparams": {"default": {}}, "highest_used_port": 10999,
        "tcpudp_port_pool": [], "enabled_disk_templates": ["drbd", "file", "diskless"],
    })
    drbd_disk = ConfigObject("disk", "d1", "i1/disk0", {
        "dev_type": "drbd", "size": 128, "logical_id": ["u1", "u2", 11000, 0, 0, "s"],
        "nodes": ["u1", "u2"], "iv_name": "disk/0",
    })
    file_disk = ConfigObject("disk", "d2", "i2/disk0", {
        "dev_type": "file", "size": 128, "logical_id": ["loop", "/x"], "nodes": ["u1"],
    })

    def inst(uuid: str, name: str, disks: list[str], state: str = "up") -> ConfigObject:
        return ConfigObject("instance", uuid, name, {
            "name": name, "primary_node": "u1", "hypervisor": "fake", "admin_state": state,
            "beparams": {"minmem": 1024, "maxmem": 1024}, "disks": disks,
        })

    asyncio.run(cfg.commit([Put(o) for o in [group, *nodes, cluster, drbd_disk, file_disk,
                                              inst("i1", "mirror", ["d1"]), inst("i2", "plain", ["d2"]),
                                              inst("i3", "floating", []), inst("i4", "resting", ["d1"], "down")]]))
    yield cfg
    cfg.close()


def check(config: Config, nodes: FakeNodes, op: dict[str, Any]) -> list[str]:
    """Run an opcode's checks (no exec); return what the logical unit logged."""
    logged: list[str] = []

    async def go() -> None:
        ctx = LuContext(config=config, rpc=nodes, ca=None, job_id=1, priority=0,  # type: ignore[arg-type]
                        log=logged.append, submit_jobs=None, cluster_changed=None)  # type: ignore[arg-type]
        valid = opcodes.validate(op)
        lu = REGISTRY[valid["OP_ID"]](ctx, valid, {})
        await lu.expand_names()
        await lu.check_prereq()

    asyncio.run(go())
    return logged


def refused(config: Config, op: dict[str, Any], nodes: FakeNodes | None = None) -> str:
    with pytest.raises(OpPrereqError) as exc:
        check(config, nodes or FakeNodes(), op)
    return exc.value.message


def test_failover_of_a_file_instance_names_its_layout(config: Config) -> None:
    msg = refused(config, {"OP_ID": "OP_INSTANCE_FAILOVER", "instance_name": "plain"})
    assert msg == "Instance's disk layout 'file' does not allow failovers"


def test_migration_of_a_file_instance_names_its_layout(config: Config) -> None:
    msg = refused(config, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "plain"})
    assert msg == "Instance's disk layout 'file' does not allow migrations"


def test_drbd_instance_cannot_migrate_to_a_node_other_than_its_secondary(config: Config) -> None:
    msg = refused(config, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "mirror", "target_node": "node3"})
    assert msg == ("Instances with disk types drbd cannot be migrated to arbitrary nodes (neither an "
                   "iallocator nor a target node can be passed)")


def test_migration_needs_the_instance_running(config: Config) -> None:
    msg = refused(config, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "mirror"})
    assert msg == "Can't migrate, please use failover: Instance mirror is not running"


def test_migration_of_a_down_instance_falls_back_to_failover_when_allowed(config: Config) -> None:
    logged = check(config, FakeNodes(), {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "resting",
                                         "allow_failover": True})
    assert any("fallback allowed, switching to failover" in line for line in logged)


def test_migration_checks_the_targets_memory(config: Config) -> None:
    nodes = FakeNodes()
    nodes.running["node1"] = ["mirror"]
    nodes.free_mib["node2"] = 512
    msg = refused(config, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "mirror"}, nodes)
    assert msg == ("Not enough memory on node node2 for migrating instance mirror: needed 1024 MiB, "
                   "available 512 MiB")


def test_live_and_mode_are_exclusive(config: Config) -> None:
    nodes = FakeNodes()
    nodes.running["node1"] = ["mirror"]
    msg = refused(config, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "mirror", "live": True,
                           "mode": "live"}, nodes)
    assert msg == "Only one of the 'live' and 'mode' parameters are accepted"


def test_diskless_instance_cannot_migrate_to_its_primary(config: Config) -> None:
    msg = refused(config, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "floating", "target_node": "node1"})
    assert msg == "Cannot migrate instance floating to its primary (node1)"


def test_diskless_instance_needs_a_target(config: Config) -> None:
    msg = refused(config, {"OP_ID": "OP_INSTANCE_FAILOVER", "instance_name": "floating"})
    assert msg.startswith("No iallocator or node given and no cluster-wide default iallocator found")


def test_failover_to_a_drained_node_is_refused(config: Config) -> None:
    msg = refused(config, {"OP_ID": "OP_INSTANCE_FAILOVER", "instance_name": "floating", "target_node": "node4"})
    assert msg == "Can't use drained node node4"


def _replace(mode: str, **extra: Any) -> dict[str, Any]:
    return {"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": "mirror", "mode": mode, **extra}


def test_changing_the_secondary_needs_a_node(config: Config) -> None:
    msg = refused(config, _replace("replace_new_secondary"))
    assert msg == ("When changing the secondary either an iallocator script must be used or the new "
                   "node given")


def test_new_node_only_when_changing_the_secondary(config: Config) -> None:
    msg = refused(config, _replace("replace_on_primary", remote_node="node3"))
    assert msg == "The iallocator and new node options can only be used when changing the secondary node"


def test_new_secondary_cannot_be_the_primary(config: Config) -> None:
    msg = refused(config, _replace("replace_new_secondary", remote_node="node1"))
    assert msg == "The specified node is the primary node of the instance"


def test_new_secondary_cannot_be_the_current_one(config: Config) -> None:
    msg = refused(config, _replace("replace_new_secondary", remote_node="node2"))
    assert msg == "The specified node is already the secondary node of the instance"


def test_new_secondary_cannot_be_drained(config: Config) -> None:
    msg = refused(config, _replace("replace_new_secondary", remote_node="node4"))
    assert msg == "Can't use drained node node4"


def test_disks_cannot_be_chosen_when_changing_the_secondary(config: Config) -> None:
    msg = refused(config, _replace("replace_new_secondary", remote_node="node3", disks=[0]))
    assert msg == "Cannot specify disks to be replaced"


def test_unknown_disk_index_is_refused(config: Config) -> None:
    msg = refused(config, _replace("replace_on_secondary", disks=[3]))
    assert msg == "Invalid disk index: 3 (instace has disks 0 to 0"


def test_replace_disks_of_a_file_instance_finds_no_secondary(config: Config) -> None:
    msg = refused(config, {**_replace("replace_on_secondary"), "instance_name": "plain"})
    assert msg == "The instance has a strange layout, expected one secondary but found 0"


def test_replace_on_secondary_passes_its_checks(config: Config) -> None:
    assert check(config, FakeNodes(), _replace("replace_on_secondary")) == []
