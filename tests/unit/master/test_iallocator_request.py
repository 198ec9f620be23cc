"""The IAllocator input document the master builds: its shape and values on a hand-written cluster."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path

import pytest

from agent.errors import OpPrereqError
from agent.master.iallocator import (
    AllocateRequest,
    AllocateSecondaryRequest,
    ChangeGroupRequest,
    NodeEvacuateRequest,
    NodeLive,
    RelocateRequest,
    Snapshot,
    build_input,
    call,
)
from agent.master.iallocator.params import IPOLICY_DEFAULTS
from agent.store import ConfigObject

GANETI_HAIL = Path("/usr/lib/ganeti/iallocators/hail")


def _obj(kind: str, uuid: str, name: str, **data: object) -> ConfigObject:
    return ConfigObject(kind, uuid, name, {"name": name, **data})


def sample_snapshot() -> Snapshot:
    """Two groups, three nodes (online, drained, offline) and instances of each kind."""
    cluster = _obj(
        "cluster", "c-uuid", "alpha", cluster_name="alpha", tags=["dc:one"],
        enabled_hypervisors=["fake", "kvm"], enabled_disk_templates=["drbd", "file", "diskless"],
        beparams={"default": {"maxmem": 256, "minmem": 256, "vcpus": 1}},
        nicparams={"default": {"mode": "bridged", "link": "br0", "vlan": ""}},
        ndparams={}, ipolicy={"vcpu-ratio": 2.0}, volume_group_name=None,
    )
    groups = [
        _obj("group", "g-b", "spare", alloc_policy="last_resort", ipolicy={}, networks={},
             ndparams={}, tags=[]),
        _obj("group", "g-a", "default", alloc_policy="preferred",
             ipolicy={"std": {"memory-size": 512}}, networks={"net-1": {"mode": "routed"}},
             ndparams={"spindle_count": 3}, tags=["rack:1"]),
    ]
    nodes = [
        _obj("node", "n-3", "node3", group="g-b", offline=True, drained=False, vm_capable=True,
             master_candidate=False, master_capable=True, primary_ip="10.0.0.3",
             secondary_ip="10.0.1.3", ndparams={}, tags=[]),
        _obj("node", "n-1", "node1", group="g-a", offline=False, drained=False, vm_capable=True,
             master_candidate=True, master_capable=True, primary_ip="10.0.0.1",
             secondary_ip="10.0.1.1", ndparams={}, tags=["fast"]),
        _obj("node", "n-2", "node2", group="g-a", offline=False, drained=True, vm_capable=True,
             master_candidate=True, master_capable=True, primary_ip="10.0.0.2",
             secondary_ip="10.0.1.2", ndparams={"spindle_count": 2}, tags=[]),
    ]
    disks = {
        "d-1": _obj("disk", "d-1", "d1", dev_type="file", size=2048, mode="rw", nodes=["n-1"]),
        "d-3": _obj("disk", "d-3", "d3", dev_type="drbd", size=1024, mode="rw", nodes=["n-1", "n-2"]),
        "d-4": _obj("disk", "d-4", "d4", dev_type="file", size=512, mode="ro", nodes=["n-2"]),
    }
    nic = {"mac": "aa:00:00:00:00:01", "ip": None, "nicparams": {}}
    instances = [
        _obj("instance", "i-1", "web", primary_node="n-1", admin_state="up", disks=["d-1"],
             disk_template="file", beparams={"maxmem": 1024, "minmem": 1024}, hypervisor="fake",
             os="noop", nics=[nic], tags=["t1"], disks_active=True),
        _obj("instance", "i-2", "idle", primary_node="n-1", admin_state="down", disks=[],
             disk_template="diskless", beparams={}, hypervisor="fake", os="noop",
             nics=[{"mac": "aa:00:00:00:00:02", "ip": "10.1.1.1", "nicparams": {"mode": "routed", "link": "rt"}}],
             tags=[], disks_active=False),
        _obj("instance", "i-3", "db", primary_node="n-1", admin_state="up", disks=["d-3"],
             disk_template="drbd", beparams={"maxmem": 512, "vcpus": 2}, hypervisor="fake",
             os="noop", nics=[], tags=[], disks_active=True),
        _obj("instance", "i-4", "later", primary_node="n-2", admin_state="up", disks=["d-4"],
             disk_template="file", beparams={}, hypervisor="fake", os="noop", nics=[],
             tags=[], forthcoming=True, disks_active=False),
    ]
    live = {
        "n-1": NodeLive(memory_total=16384, memory_free=14000, memory_node=1024, cpu_total=8,
                        disk_total=100000, disk_free=90000, running={"web": 512, "db": 512}),
        "n-2": NodeLive(memory_total=8192, memory_free=7000, memory_node=512, cpu_total=4,
                        disk_total=50000, disk_free=50000, running={}),
    }
    return Snapshot(cluster, groups, nodes, instances, disks, live)


def _allocate(**overrides: object) -> AllocateRequest:
    fields: dict[str, object] = dict(
        name="new1", disk_template="file", memory=512, vcpus=1,
        disks=[{"size": 1024, "mode": "rw", "vg": None, "name": None}],
        nics=[{"mac": "aa:00:00:00:00:09", "ip": None, "network": None, "name": None,
               "uuid": "nic-u", "nicparams": {"mode": "bridged", "link": "br0", "vlan": ""}}],
        os="noop", tags=["web"], hypervisor="fake",
    )
    fields.update(overrides)
    return AllocateRequest(**fields)  # type: ignore[arg-type]


def test_document_has_ganetis_top_level_keys_in_order() -> None:
    data = build_input(sample_snapshot(), _allocate())
    assert list(data) == [
        "version", "cluster_name", "cluster_tags", "enabled_hypervisors", "ipolicy",
        "nodegroups", "nodes", "instances", "request",
    ]
    assert data["version"] == 2
    assert data["cluster_name"] == "alpha"
    assert data["cluster_tags"] == ["dc:one"]
    assert data["enabled_hypervisors"] == ["fake", "kvm"]
    json.dumps(data)  # the whole document is JSON


def test_cluster_policy_is_filled_and_limited_to_enabled_templates() -> None:
    policy = build_input(sample_snapshot(), _allocate())["ipolicy"]
    assert set(policy) == set(IPOLICY_DEFAULTS)
    assert policy["vcpu-ratio"] == 2.0
    assert policy["spindle-ratio"] == 32.0
    assert policy["disk-templates"] == ["diskless", "file", "drbd"]
    assert policy["minmax"][0]["max"]["memory-size"] == 32768


def test_groups_carry_filled_policy_networks_and_alloc_policy_in_uuid_order() -> None:
    groups = build_input(sample_snapshot(), _allocate())["nodegroups"]
    assert list(groups) == ["g-a", "g-b"]
    a = groups["g-a"]
    assert a["name"] == "default" and a["alloc_policy"] == "preferred"
    assert a["networks"] == ["net-1"]
    assert a["tags"] == ["rack:1"]
    assert a["ipolicy"]["std"]["memory-size"] == 512
    assert a["ipolicy"]["std"]["cpu-count"] == 1
    assert a["ipolicy"]["vcpu-ratio"] == 2.0  # inherited from the cluster
    assert set(a["ipolicy"]) == {"minmax", "std", "disk-templates", "vcpu-ratio", "spindle-ratio"}
    assert groups["g-b"]["alloc_policy"] == "last_resort"


def test_online_node_memory_subtracts_what_running_instances_still_claim() -> None:
    node = build_input(sample_snapshot(), _allocate())["nodes"]["node1"]
    # web is up with maxmem 1024 but uses 512: 512 more are claimed; db (512) uses all of it;
    # idle is down and claims nothing.
    assert node["free_memory"] == 14000 - 512
    assert node["total_memory"] == 16384
    assert node["reserved_memory"] == 1024
    assert node["i_pri_memory"] == 1024 + 256 + 512
    assert node["i_pri_up_memory"] == 1024 + 512
    assert (node["total_disk"], node["free_disk"]) == (100000, 90000)
    assert (node["total_cpus"], node["reserved_cpus"]) == (8, 0)
    assert node["tags"] == ["fast"]
    assert node["group"] == "g-a"
    assert node["master_candidate"] is True and node["offline"] is False


def test_forthcoming_instances_do_not_claim_live_memory() -> None:
    node = build_input(sample_snapshot(), _allocate())["nodes"]["node2"]
    assert node["free_memory"] == 7000
    assert node["i_pri_memory"] == 256 and node["i_pri_up_memory"] == 0
    assert node["drained"] is True


def test_ndparams_are_filled_from_node_group_cluster_and_defaults() -> None:
    nodes = build_input(sample_snapshot(), _allocate())["nodes"]
    assert nodes["node1"]["ndparams"]["spindle_count"] == 3  # from the group
    assert nodes["node2"]["ndparams"]["spindle_count"] == 2  # the node's own
    assert nodes["node1"]["ndparams"]["exclusive_storage"] is False
    assert nodes["node3"]["ndparams"]["spindle_count"] == 1  # the default


def test_offline_node_has_only_its_configuration_fields() -> None:
    node = build_input(sample_snapshot(), _allocate())["nodes"]["node3"]
    assert node["offline"] is True
    assert "free_memory" not in node and "total_disk" not in node
    assert list(node) == [
        "tags", "primary_ip", "secondary_ip", "offline", "drained", "master_candidate",
        "group", "master_capable", "vm_capable", "ndparams",
    ]


def test_nodes_are_listed_in_uuid_order_with_dynamic_fields_first() -> None:
    nodes = build_input(sample_snapshot(), _allocate())["nodes"]
    assert list(nodes) == ["node1", "node2", "node3"]
    assert list(nodes["node1"])[:3] == ["total_memory", "reserved_memory", "free_memory"]


def test_storage_is_reported_only_for_file_and_lvm_templates() -> None:
    nodes = build_input(sample_snapshot(), _allocate(disk_template="diskless", disks=[]))["nodes"]
    assert (nodes["node1"]["total_disk"], nodes["node1"]["free_disk"]) == (0, 0)
    # Requests without a template use the cluster's first enabled one (drbd here).
    nodes = build_input(sample_snapshot(), AllocateSecondaryRequest("web"))["nodes"]
    assert nodes["node1"]["free_disk"] == 90000


def test_instances_carry_nodes_disks_nics_and_filled_backend_values() -> None:
    instances = build_input(sample_snapshot(), _allocate())["instances"]
    assert list(instances) == ["web", "idle", "db", "later"]
    web = instances["web"]
    assert web["nodes"] == ["node1"]
    assert web["memory"] == 1024 and web["vcpus"] == 1 and web["spindle_use"] == 1
    assert web["disks"] == [{"dev_type": "file", "size": 2048, "mode": "rw", "spindles": None}]
    assert web["disk_space_total"] == 2048
    assert web["nics"] == [{"mac": "aa:00:00:00:00:01", "ip": None, "mode": "bridged",
                            "link": "br0", "bridge": "br0"}]
    assert web["admin_state"] == "up" and web["disks_active"] is True
    assert web["tags"] == ["t1"] and web["os"] == "noop" and web["hypervisor"] == "fake"
    assert "forthcoming" not in web
    db = instances["db"]
    assert db["nodes"] == ["node1", "node2"]
    assert db["disk_space_total"] == 1024 + 128  # DRBD metadata
    assert db["vcpus"] == 2 and db["memory"] == 512
    idle = instances["idle"]
    assert idle["nics"] == [{"mac": "aa:00:00:00:00:02", "ip": "10.1.1.1", "mode": "routed", "link": "rt"}]
    assert idle["memory"] == 256 and idle["disk_template"] == "diskless"
    assert instances["later"]["forthcoming"] is True


def test_allocate_request_section() -> None:
    request = build_input(sample_snapshot(), _allocate(disk_template="drbd", group_name="default"))["request"]
    assert request["type"] == "allocate"
    assert request["required_nodes"] == 2
    assert request["disks"] == [{"size": 1024, "mode": "rw", "vg": None, "name": None, "dev_type": "drbd"}]
    assert request["disk_space_total"] == 1024 + 128
    assert request["group_name"] == "default"
    assert (request["memory"], request["vcpus"], request["spindle_use"]) == (512, 1, 1)
    assert request["os"] == "noop" and request["hypervisor"] == "fake" and request["tags"] == ["web"]
    assert request["nics"][0]["mac"] == "aa:00:00:00:00:09"
    assert "restrict-to-nodes" not in request


def test_allocate_request_with_a_whitelist_restricts_nodes() -> None:
    request = build_input(sample_snapshot(), _allocate(node_whitelist=["node1"]))["request"]
    assert request["restrict-to-nodes"] == ["node1"]
    assert request["required_nodes"] == 1


def test_relocate_request_names_the_instance_and_its_disk_space() -> None:
    request = build_input(sample_snapshot(), RelocateRequest("db", ["node2"]))["request"]
    assert request == {"name": "db", "disk_space_total": 1152, "required_nodes": 1,
                       "relocate_from": ["node2"], "type": "relocate"}


def test_relocating_a_non_mirrored_instance_is_refused() -> None:
    with pytest.raises(OpPrereqError, match="Can't relocate non-mirrored instances"):
        build_input(sample_snapshot(), RelocateRequest("web", ["node1"]))


def test_evacuation_and_group_change_requests() -> None:
    snap = sample_snapshot()
    evac = NodeEvacuateRequest(["web", "db"], "all", ignore_soft_errors=True)
    assert build_input(snap, evac)["request"] == {
        "instances": ["web", "db"], "evac_mode": "all", "type": "node-evacuate",
    }
    assert evac.extra_params() == {"ignore-soft-errors": None}
    change = build_input(snap, ChangeGroupRequest(["db"], ["spare"]))["request"]
    assert change == {"instances": ["db"], "target_groups": ["spare"], "type": "change-group"}
    with pytest.raises(OpPrereqError, match="Invalid evacuation mode"):
        build_input(snap, NodeEvacuateRequest(["db"], "sideways"))


def test_allocate_secondary_request() -> None:
    assert build_input(sample_snapshot(), AllocateSecondaryRequest("web"))["request"] == {
        "name": "web", "type": "allocate-secondary",
    }


@pytest.mark.skipif(not GANETI_HAIL.exists(), reason="Ganeti's hail is not installed")
def test_ganetis_hail_reads_the_document_and_places_on_the_only_usable_node(tmp_path: Path) -> None:
    # node2 is drained and node3 offline: node1 is the only possible primary.
    request_file = tmp_path / "request.json"
    request_file.write_text(json.dumps(build_input(sample_snapshot(), _allocate())))
    proc = subprocess.run([str(GANETI_HAIL), str(request_file)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "LC_ALL": "C"})
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    assert answer["success"] is True, answer["info"]
    assert answer["result"] == ["node1"]


def _with_spare_node() -> Snapshot:
    """The sample cluster plus an empty online node4 in the default group."""
    snap = sample_snapshot()
    node4 = _obj("node", "n-4", "node4", group="g-a", offline=False, drained=False, vm_capable=True,
                 master_candidate=False, master_capable=True, primary_ip="10.0.0.4",
                 secondary_ip="10.0.1.4", ndparams={}, tags=[])
    live = dict(snap.live)
    live["n-4"] = NodeLive(memory_total=16384, memory_free=15360, memory_node=1024, cpu_total=8,
                           disk_total=100000, disk_free=100000)
    return Snapshot(snap.cluster, snap.groups, [*snap.nodes, node4], snap.instances, snap.disks, live)


@pytest.mark.parametrize("allocator", ["hail", str(GANETI_HAIL)])
def test_relocation_of_a_drbd_secondary_is_answered_with_the_spare_node(allocator: str) -> None:
    if allocator != "hail" and not GANETI_HAIL.exists():
        pytest.skip("Ganeti's hail is not installed")
    exchange = asyncio.run(call(allocator, _with_spare_node(), RelocateRequest("db", ["node2"])))
    assert exchange.answer.success, exchange.answer.info
    assert exchange.answer.result == ["node4"]


@pytest.mark.parametrize("allocator", ["hail", str(GANETI_HAIL)])
def test_secondary_evacuation_is_answered_with_a_replace_disks_job(allocator: str) -> None:
    if allocator != "hail" and not GANETI_HAIL.exists():
        pytest.skip("Ganeti's hail is not installed")
    request = NodeEvacuateRequest(["db"], "secondary-only")
    answer = asyncio.run(call(allocator, _with_spare_node(), request)).answer
    assert answer.success, answer.info
    moved, failed, jobs = answer.result
    assert moved == [["db", "default", ["node1", "node4"]]] and failed == []
    assert [op["OP_ID"] for op in jobs[0]] == ["OP_INSTANCE_REPLACE_DISKS"]
    assert jobs[0][0]["remote_node"] == "node4"
