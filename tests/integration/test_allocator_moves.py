"""Moves chosen by an allocator on a real 4-node cluster: failover and migrate without a
target, replace-disks -I, node groups and change-group, with the built-in hail and
Ganeti's own hail; and the refusals Ganeti gives.

The tests run in order: the node-level moves first, on one group; then node3 and
node4 move to a second group and instances change group.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shell.client import ClusterClient
from shell.demo import Demo
from tests.integration.conftest import cli, create_instance, mirrored_client, run, running_cluster

GANETI_HAIL = Path("/usr/lib/ganeti/iallocators/hail")
NODES = {"node1.demo", "node2.demo", "node3.demo", "node4.demo"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    yield from running_cluster(tmp_path_factory, "allocmoves", nodes=4)


@pytest.fixture(scope="module")
def client(cluster: Demo) -> Iterator[ClusterClient]:
    yield from mirrored_client(cluster)




def create(client: ClusterClient, name: str, template: str, pnode: str, snode: str | None = None,
           start: bool = True) -> None:
    create_instance(client, name, template, pnode, snode, memory=256, start=start)


def placement(client: ClusterClient, name: str) -> tuple[str, list[str], str]:
    (inst,) = client.query("instance", [name], live=True)
    return inst["pnode"], inst["snodes"], inst["status"]


def output(result: Any) -> str:
    return str(result.stdout) + str(result.stderr)


# -- failover and migrate ---------------------------------------------------------


def test_failover_with_an_iallocator_moves_a_diskless_instance(client: ClusterClient, cluster: Demo) -> None:
    create(client, "float1.demo", "diskless", "node1.demo")
    result = cli(cluster, "gnt-instance", "failover", "-f", "-I", "hail", "float1.demo")
    assert result.returncode == 0, result.stderr
    pnode, _, status = placement(client, "float1.demo")
    assert pnode in NODES - {"node1.demo"}
    assert status == "running"
    assert f"Selected nodes for instance float1.demo via iallocator hail: {pnode}" in output(result)


def test_migrate_without_a_target_asks_the_default_allocator(client: ClusterClient, cluster: Demo) -> None:
    before, _, _ = placement(client, "float1.demo")
    result = cli(cluster, "gnt-instance", "migrate", "-f", "float1.demo")
    assert result.returncode == 0, result.stderr
    after, _, status = placement(client, "float1.demo")
    assert after != before and status == "running"
    assert f"via iallocator hail: {after}" in output(result)


def test_migrate_takes_an_iallocator_given_as_a_path(client: ClusterClient) -> None:
    if not GANETI_HAIL.exists():
        pytest.skip("Ganeti's hail is not installed")
    before, _, _ = placement(client, "float1.demo")
    job = run(client, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "float1.demo",
                       "iallocator": str(GANETI_HAIL)})
    assert job["status"] == "success", job["opresult"]
    after, _, _ = placement(client, "float1.demo")
    assert after in NODES - {before}


def test_drbd_failover_refuses_an_iallocator(client: ClusterClient, cluster: Demo) -> None:
    create(client, "mirror1.demo", "drbd", "node1.demo", "node2.demo")
    result = cli(cluster, "gnt-instance", "failover", "-f", "-I", "hail", "mirror1.demo")
    assert result.returncode != 0
    assert ("Instances with disk types drbd cannot be failed over to arbitrary nodes (neither an "
            "iallocator nor a target node can be passed)") in result.stderr
    assert placement(client, "mirror1.demo")[:2] == ("node1.demo", ["node2.demo"])


def test_migrate_refuses_both_an_iallocator_and_a_node(client: ClusterClient) -> None:
    job = run(client, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "float1.demo",
                       "iallocator": "hail", "target_node": "node1.demo"})
    assert job["status"] == "error"
    assert "Do not specify both, iallocator and node" in str(job["opresult"])


def test_file_instance_cannot_be_failed_over(client: ClusterClient) -> None:
    create(client, "local1.demo", "file", "node2.demo", start=False)
    job = run(client, {"OP_ID": "OP_INSTANCE_FAILOVER", "instance_name": "local1.demo", "iallocator": "hail"})
    assert job["status"] == "error"
    assert "Instance's disk layout 'file' does not allow failovers" in str(job["opresult"])
    assert run(client, {"OP_ID": "OP_INSTANCE_REMOVE", "instance_name": "local1.demo"})["status"] == "success"


# -- replace-disks -I -------------------------------------------------------------


def test_replace_disks_with_an_iallocator_picks_a_new_secondary(client: ClusterClient, cluster: Demo) -> None:
    (inst,) = client.query("instance", ["mirror1.demo"])
    result = cli(cluster, "gnt-instance", "replace-disks", "-I", "hail", "mirror1.demo")
    assert result.returncode == 0, result.stderr
    pnode, snodes, status = placement(client, "mirror1.demo")
    assert pnode == "node1.demo" and status == "running"
    assert snodes[0] in {"node3.demo", "node4.demo"}
    assert f"Selected new secondary for instance '{inst['uuid']}': {snodes[0]}" in output(result)
    assert "STEP 6/6 Removing old storage" in output(result)


def test_replace_disks_with_ganeti_hail_as_external_allocator(client: ClusterClient) -> None:
    if not GANETI_HAIL.exists():
        pytest.skip("Ganeti's hail is not installed")
    _, (old,), _ = placement(client, "mirror1.demo")
    job = run(client, {"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": "mirror1.demo",
                       "mode": "replace_new_secondary", "iallocator": str(GANETI_HAIL)})
    assert job["status"] == "success", job["opresult"]
    pnode, (new,), _ = placement(client, "mirror1.demo")
    assert pnode == "node1.demo" and new in NODES - {"node1.demo", old}
    assert any("Selected new secondary for instance '" in str(entry) and f"': {new}" in str(entry)
               for entry in job["oplog"][0])


def test_replace_disks_iallocator_only_when_changing_the_secondary(client: ClusterClient) -> None:
    job = run(client, {"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": "mirror1.demo",
                       "mode": "replace_on_primary", "iallocator": "hail"})
    assert job["status"] == "error"
    assert ("The iallocator and new node options can only be used when changing the secondary node"
            in str(job["opresult"]))


def test_replace_disks_reports_an_allocator_failure(client: ClusterClient) -> None:
    job = run(client, {"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": "mirror1.demo",
                       "mode": "replace_new_secondary", "iallocator": "no-such-allocator"})
    assert job["status"] == "error"
    assert "no-such-allocator" in str(job["opresult"])
    assert placement(client, "mirror1.demo")[0] == "node1.demo"


# -- node groups ------------------------------------------------------------------


def test_group_add_and_list(client: ClusterClient, cluster: Demo) -> None:
    added = cli(cluster, "gnt-group", "add", "rack2")
    assert added.returncode == 0, added.stderr
    again = cli(cluster, "gnt-group", "add", "rack2")
    assert again.returncode != 0
    assert "Desired group name 'rack2' already exists as a node group" in again.stderr
    listing = cli(cluster, "gnt-group", "list", "--no-headers", "-o", "name,node_cnt")
    assert listing.returncode == 0, listing.stderr
    rows = {tuple(line.split()) for line in listing.stdout.splitlines()}
    assert rows == {("default", "4"), ("rack2", "0")}


def test_assign_nodes_refuses_to_split_a_drbd_instance(client: ClusterClient, cluster: Demo) -> None:
    _, (snode,), _ = placement(client, "mirror1.demo")
    result = cli(cluster, "gnt-group", "assign-nodes", "rack2", snode)
    assert result.returncode != 0
    assert ("The following instances get split by this change and --force was not given: "
            "mirror1.demo") in result.stderr
    (node,) = client.query("node", [snode])
    assert node["group_name"] == "default"


def test_assign_nodes_moves_nodes_into_the_group(client: ClusterClient, cluster: Demo) -> None:
    # Bring mirror1's secondary back into the first pair, then split the cluster in two.
    job = run(client, {"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": "mirror1.demo",
                       "mode": "replace_new_secondary", "remote_node": "node2.demo"})
    assert job["status"] == "success", job["opresult"]
    for name in ("float1.demo",):
        if placement(client, name)[0] in ("node3.demo", "node4.demo"):
            job = run(client, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": name,
                               "target_node": "node1.demo"})
            assert job["status"] == "success", job["opresult"]
    result = cli(cluster, "gnt-group", "assign-nodes", "rack2", "node3.demo", "node4.demo")
    assert result.returncode == 0, result.stderr
    groups = {n["name"]: n["group_name"] for n in client.query("node")}
    assert groups == {"node1.demo": "default", "node2.demo": "default",
                      "node3.demo": "rack2", "node4.demo": "rack2"}


def test_replace_disks_allocator_stays_in_the_instance_group(client: ClusterClient) -> None:
    job = run(client, {"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": "mirror1.demo",
                       "mode": "replace_new_secondary", "iallocator": "hail"})
    # node1 is the primary and node2 the secondary: the group has no third node.
    assert job["status"] == "error"
    assert "Can't compute nodes using iallocator 'hail'" in str(job["opresult"])
    assert placement(client, "mirror1.demo")[:2] == ("node1.demo", ["node2.demo"])


# -- change-group ---------------------------------------------------------------


def test_change_group_moves_a_diskless_instance(client: ClusterClient, cluster: Demo) -> None:
    result = cli(cluster, "gnt-instance", "change-group", "--to", "rack2", "float1.demo")
    assert result.returncode == 0, result.stderr
    assert "Instance 'float1.demo' changed group successfully." in result.stdout
    text = output(result)
    assert "Instances to be moved: float1.demo (to rack2)" in text
    assert "Iallocator returned 1 job(s) for changing group of instance 'float1.demo'" in text
    pnode, _, status = placement(client, "float1.demo")
    assert pnode in {"node3.demo", "node4.demo"} and status == "running"


def test_change_group_moves_a_drbd_instance_with_both_nodes(client: ClusterClient, cluster: Demo) -> None:
    result = cli(cluster, "gnt-instance", "change-group", "mirror1.demo")  # any other group
    assert result.returncode == 0, output(result)
    pnode, snodes, status = placement(client, "mirror1.demo")
    assert {pnode, *snodes} == {"node3.demo", "node4.demo"}
    assert status == "running"


def test_change_group_with_ganeti_hail(client: ClusterClient, cluster: Demo) -> None:
    if not GANETI_HAIL.exists():
        pytest.skip("Ganeti's hail is not installed")
    result = cli(cluster, "gnt-instance", "change-group", "-I", str(GANETI_HAIL), "--to", "default",
                 "float1.demo")
    assert result.returncode == 0, output(result)
    assert placement(client, "float1.demo")[0] in {"node1.demo", "node2.demo"}


def test_change_group_refuses_the_instance_own_group(client: ClusterClient) -> None:
    (group,) = client.query("group", ["rack2"])
    job = run(client, {"OP_ID": "OP_INSTANCE_CHANGE_GROUP", "instance_name": "mirror1.demo",
                       "target_groups": ["rack2"]})
    assert job["status"] == "error"
    assert (f"Can't use group(s) '{group['uuid']}' as targets, they are used by the instance "
            "'mirror1.demo'") in str(job["opresult"])


def test_change_group_refuses_an_unknown_group(client: ClusterClient, cluster: Demo) -> None:
    result = cli(cluster, "gnt-instance", "change-group", "--to", "nowhere", "mirror1.demo")
    assert result.returncode != 0
    assert "Node group 'nowhere' not found" in result.stderr


def test_change_group_of_a_file_instance_fails_in_the_allocator(client: ClusterClient) -> None:
    job = run(client, {"OP_ID": "OP_INSTANCE_CHANGE_GROUP", "instance_name": "web1.demo"})
    assert job["status"] == "error"
    assert "Unable to evacuate instances web1.demo" in str(job["opresult"])
    assert placement(client, "web1.demo")[0] == "node1.demo"


# -- disk template conversion (node1, node2 in default; node3, node4 in rack2) -------

MARK = b"ganeti-shell conversion marker"
MARK_AT = 5 * 1024 * 1024


def _disk(client: ClusterClient, name: str) -> dict[str, Any]:
    (inst,) = client.query("instance", [name])
    return dict(inst["disk_objects"][0])


def _drbd_data(cluster: Demo, node_index: int, disk_uuid: str) -> Path:
    return cluster.node_dirs()[node_index] / "drbd-storage" / f"{disk_uuid}.data"


def test_modify_to_drbd_with_an_iallocator_copies_the_data(client: ClusterClient, cluster: Demo) -> None:
    create(client, "conv1.demo", "file", "node1.demo", start=False)
    old_path = Path(_disk(client, "conv1.demo")["logical_id"][1])
    with open(old_path, "r+b") as fh:
        fh.seek(MARK_AT)
        fh.write(MARK)
    result = cli(cluster, "gnt-instance", "modify", "-t", "drbd", "-I", "hail", "conv1.demo")
    assert result.returncode == 0, output(result)
    text = output(result)
    for line in ("Converting disk template from 'file' to 'drbd'", "Using hail to choose new secondary",
                 "hail choose node2.demo as new secondary", " - copying data from disk 0 (file), size 1.0G",
                 "Removing old block devices of type 'file'...", "Modified instance conv1.demo",
                 " - disk_template -> drbd"):
        assert line in text, line
    assert placement(client, "conv1.demo") == ("node1.demo", ["node2.demo"], "ADMIN_down")
    disk = _disk(client, "conv1.demo")
    assert disk["dev_type"] == "drbd"
    assert not old_path.exists()
    with open(_drbd_data(cluster, 0, disk["uuid"]), "rb") as fh:
        fh.seek(MARK_AT)
        assert fh.read(len(MARK)) == MARK
    # A real DRBD instance now: it starts and migrates to its new secondary.
    assert cli(cluster, "gnt-instance", "startup", "conv1.demo").returncode == 0
    job = run(client, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "conv1.demo"})
    assert job["status"] == "success", job["opresult"]
    assert placement(client, "conv1.demo") == ("node2.demo", ["node1.demo"], "running")


def test_modify_to_drbd_with_ganeti_hail(client: ClusterClient) -> None:
    if not GANETI_HAIL.exists():
        pytest.skip("Ganeti's hail is not installed")
    create(client, "conv2.demo", "file", "node3.demo", start=False)
    job = run(client, {"OP_ID": "OP_INSTANCE_SET_PARAMS", "instance_name": "conv2.demo",
                       "disk_template": "drbd", "iallocator": str(GANETI_HAIL)})
    assert job["status"] == "success", job["opresult"]
    assert job["opresult"] == [[["disk_template", "drbd"]]]
    assert placement(client, "conv2.demo") == ("node3.demo", ["node4.demo"], "ADMIN_down")


def test_modify_to_drbd_with_a_given_secondary(client: ClusterClient, cluster: Demo) -> None:
    create(client, "conv3.demo", "file", "node2.demo", start=False)
    result = cli(cluster, "gnt-instance", "modify", "-t", "drbd", "-n", "node1.demo", "conv3.demo")
    assert result.returncode == 0, output(result)
    assert "choose" not in output(result)
    assert placement(client, "conv3.demo") == ("node2.demo", ["node1.demo"], "ADMIN_down")


def test_modify_back_to_file_keeps_the_data_and_frees_both_halves(client: ClusterClient,
                                                                cluster: Demo) -> None:
    disk = _disk(client, "conv3.demo")
    halves = [_drbd_data(cluster, 1, disk["uuid"]), _drbd_data(cluster, 0, disk["uuid"])]
    with open(halves[0], "r+b") as fh:
        fh.seek(MARK_AT)
        fh.write(MARK)
    result = cli(cluster, "gnt-instance", "modify", "-t", "file", "-n", "node3.demo", "conv3.demo")
    assert result.returncode == 0, output(result)
    text = output(result)
    assert "Changing the disk template to a non-mirrored one, the secondary node will be ignored" in text
    assert " - copying data from disk 0 (drbd), size 1.0G" in text
    assert placement(client, "conv3.demo") == ("node2.demo", [], "ADMIN_down")
    new = _disk(client, "conv3.demo")
    assert new["dev_type"] == "file"
    with open(new["logical_id"][1], "rb") as fh:
        fh.seek(MARK_AT)
        assert fh.read(len(MARK)) == MARK
    assert not any(h.exists() for h in halves)
    assert disk["logical_id"][2] in (client.cluster_info().get("tcpudp_port_pool") or [])


@pytest.mark.parametrize(("name", "op", "message"), [
    ("mirror1.demo", {"disk_template": "drbd", "remote_node": "node1.demo"},
     "Instance already has disk template drbd"),
    ("float1.demo", {"disk_template": "drbd", "iallocator": "hail"},
     "Conversion from the 'diskless' disk template is not supported"),
    ("web1.demo", {"disk_template": "drbd", "iallocator": "hail"},
     "Instance 'web1.demo' is marked to be up, cannot change disk template"),
    ("batch1.demo", {"disk_template": "drbd", "remote_node": "node2.demo"},
     "Given new secondary node node2.demo is the same as the primary node of the instance"),
    ("batch1.demo", {"disk_template": "diskless"},
     "Conversion to the 'diskless' disk template is not supported"),
    ("batch1.demo", {"disk_template": "drbd", "remote_node": "node1.demo", "iallocator": "hail"},
     "Do not specify both, iallocator and node"),
    ("batch1.demo", {}, "No changes submitted"),
])
def test_modify_refusals(client: ClusterClient, name: str, op: dict[str, Any], message: str) -> None:
    job = run(client, {"OP_ID": "OP_INSTANCE_SET_PARAMS", "instance_name": name, **op})
    assert job["status"] == "error"
    assert message in str(job["opresult"])


def test_modify_without_parameters_is_a_usage_error(cluster: Demo) -> None:
    result = cli(cluster, "gnt-instance", "modify", "batch1.demo")
    assert result.returncode == 1
    assert "Please give at least one of the parameters." in result.stderr
