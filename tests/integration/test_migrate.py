"""DRBD instances on real loopback agents: create, migrate, failover, replace-disks, remove."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shell.client import ClusterClient
from shell.demo import Demo
from tests.integration.conftest import cli, kill_node, mirrored_client, run, running_cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    yield from running_cluster(tmp_path_factory, "migrate", nodes=4)


@pytest.fixture(scope="module")
def client(cluster: Demo) -> Iterator[ClusterClient]:
    yield from mirrored_client(cluster)



def create_drbd(client: ClusterClient, name: str, pnode: str, snode: str, start: bool = True) -> None:
    job = run(client, {
        "OP_ID": "OP_INSTANCE_CREATE", "instance_name": name, "mode": "create",
        "disk_template": "drbd", "disks": [{"size": 256}, {"size": 128}], "nics": [{}],
        "beparams": {"memory": 256}, "pnode": pnode, "snode": snode, "os_type": "noop",
        "start": start, "name_check": False, "ip_check": False,
    })
    assert job["status"] == "success", job["opresult"]


def placement(client: ClusterClient, name: str) -> tuple[str, list[str], str]:
    (inst,) = client.query("instance", [name], live=True)
    return inst["pnode"], inst["snodes"], inst["status"]


def drbd_minors(client: ClusterClient, name: str) -> list[list[Any]]:
    (inst,) = client.query("instance", [name])
    return [d["logical_id"] for d in inst["disk_objects"]]


def test_drbd_instance_has_a_secondary_and_runs_on_its_primary(client: ClusterClient, cluster: Demo) -> None:
    create_drbd(client, "mirror1.demo", "node1.demo", "node2.demo")
    assert placement(client, "mirror1.demo") == ("node1.demo", ["node2.demo"], "running")
    (inst,) = client.query("instance", ["mirror1.demo"])
    assert inst["disk_template"] == "drbd"
    ids = drbd_minors(client, "mirror1.demo")
    assert [lid[2] for lid in ids] == sorted({lid[2] for lid in ids})  # distinct ports
    assert all(11000 <= lid[2] <= 14999 for lid in ids)
    listing = cli(cluster, "gnt-instance", "list", "-o", "name,pnode,snodes,disk_template", "mirror1.demo")
    assert listing.returncode == 0, listing.stderr
    assert "node2.demo" in listing.stdout and "drbd" in listing.stdout
    info = cli(cluster, "gnt-instance", "info", "mirror1.demo")
    assert "on secondary: /dev/drbd" in info.stdout, info.stdout


def test_second_drbd_instance_gets_the_next_minor(client: ClusterClient) -> None:
    create_drbd(client, "mirror2.demo", "node2.demo", "node1.demo", start=False)
    first = drbd_minors(client, "mirror1.demo")
    second = drbd_minors(client, "mirror2.demo")
    used_on_node1 = {lid[3] for lid in first}
    assert {lid[4] for lid in second}.isdisjoint(used_on_node1)


def test_drbd_needs_a_mirror_node(client: ClusterClient) -> None:
    job = run(client, {
        "OP_ID": "OP_INSTANCE_CREATE", "instance_name": "lonely.demo", "mode": "create",
        "disk_template": "drbd", "disks": [{"size": 128}], "nics": [], "pnode": "node1.demo",
        "os_type": "noop", "name_check": False, "ip_check": False,
    })
    assert job["status"] == "error"
    assert "The networked disk templates need a mirror node" in str(job["opresult"])


def test_migrate_swaps_primary_and_secondary(client: ClusterClient, cluster: Demo) -> None:
    result = cli(cluster, "gnt-instance", "migrate", "-f", "mirror1.demo")
    assert result.returncode == 0, result.stderr
    assert "* memory transfer complete" in result.stdout + result.stderr
    assert placement(client, "mirror1.demo") == ("node2.demo", ["node1.demo"], "running")


def test_migrate_of_a_stopped_instance_needs_failover(client: ClusterClient) -> None:
    job = run(client, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "mirror2.demo"})
    assert job["status"] == "error"
    assert "Can't migrate, please use failover" in str(job["opresult"])
    job = run(client, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "mirror2.demo",
                       "allow_failover": True})
    assert job["status"] == "success", job["opresult"]
    assert placement(client, "mirror2.demo") == ("node1.demo", ["node2.demo"], "ADMIN_down")


def test_failover_restarts_the_instance_on_the_secondary(client: ClusterClient, cluster: Demo) -> None:
    result = cli(cluster, "gnt-instance", "failover", "-f", "mirror1.demo")
    assert result.returncode == 0, result.stderr
    assert placement(client, "mirror1.demo") == ("node1.demo", ["node2.demo"], "running")



def test_migration_cleanup_confirms_where_the_instance_runs(client: ClusterClient, cluster: Demo) -> None:
    result = cli(cluster, "gnt-instance", "migrate", "--cleanup", "-f", "mirror1.demo")
    assert result.returncode == 0, result.stderr
    assert "* instance confirmed to be running on its primary node (node1.demo)" in result.stdout + result.stderr
    assert placement(client, "mirror1.demo") == ("node1.demo", ["node2.demo"], "running")

def test_drbd_cannot_move_to_an_arbitrary_node(client: ClusterClient) -> None:
    job = run(client, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "mirror1.demo",
                       "target_node": "node3.demo"})
    assert job["status"] == "error"
    assert "cannot be migrated to arbitrary nodes" in str(job["opresult"])


def test_replace_disks_moves_the_secondary(client: ClusterClient, cluster: Demo) -> None:
    old_port = [lid[2] for lid in drbd_minors(client, "mirror1.demo")]
    result = cli(cluster, "gnt-instance", "replace-disks", "-n", "node3.demo", "mirror1.demo")
    assert result.returncode == 0, result.stderr
    assert "STEP 6/6 Removing old storage" in result.stdout + result.stderr
    assert placement(client, "mirror1.demo") == ("node1.demo", ["node3.demo"], "running")
    assert [lid[2] for lid in drbd_minors(client, "mirror1.demo")] == old_port
    # the new secondary really holds the other half: a migration lands there
    job = run(client, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "mirror1.demo"})
    assert job["status"] == "success", job["opresult"]
    assert placement(client, "mirror1.demo") == ("node3.demo", ["node1.demo"], "running")


def test_replace_disks_refuses_the_current_secondary(client: ClusterClient) -> None:
    job = run(client, {"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": "mirror1.demo",
                       "mode": "replace_new_secondary", "remote_node": "node1.demo"})
    assert job["status"] == "error"
    assert "The specified node is already the secondary node of the instance" in str(job["opresult"])


def test_replace_disks_on_either_side_keeps_the_placement(client: ClusterClient, cluster: Demo) -> None:
    for flag in ("-p", "-s", "-a"):
        result = cli(cluster, "gnt-instance", "replace-disks", flag, "mirror1.demo")
        assert result.returncode == 0, (flag, result.stderr)
    assert placement(client, "mirror1.demo") == ("node3.demo", ["node1.demo"], "running")


def test_replace_disks_of_a_file_instance_is_refused(client: ClusterClient, cluster: Demo) -> None:
    result = cli(cluster, "gnt-instance", "replace-disks", "-s", "web1.demo")
    assert result.returncode != 0
    assert "expected one secondary but found 0" in result.stderr


def test_diskless_instance_migrates_to_any_node(client: ClusterClient) -> None:
    job = run(client, {
        "OP_ID": "OP_INSTANCE_CREATE", "instance_name": "float.demo", "mode": "create",
        "disk_template": "diskless", "disks": [], "nics": [], "beparams": {"memory": 128},
        "pnode": "node4.demo", "os_type": "noop", "name_check": False, "ip_check": False,
    })
    assert job["status"] == "success", job["opresult"]
    job = run(client, {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "float.demo",
                       "target_node": "node2.demo"})
    assert job["status"] == "success", job["opresult"]
    assert placement(client, "float.demo") == ("node2.demo", [], "running")


def test_removing_drbd_instances_returns_their_ports(client: ClusterClient) -> None:
    ports = {lid[2] for lid in drbd_minors(client, "mirror2.demo")}
    job = run(client, {"OP_ID": "OP_INSTANCE_REMOVE", "instance_name": "mirror2.demo"})
    assert job["status"] == "success", job["opresult"]
    pool = set(client.cluster_info().get("tcpudp_port_pool") or [])
    assert ports <= pool


def test_failover_away_from_a_dead_primary(client: ClusterClient, cluster: Demo) -> None:
    create_drbd(client, "rescue.demo", "node4.demo", "node3.demo")
    kill_node(cluster, 3)
    try:
        job = run(client, {"OP_ID": "OP_INSTANCE_FAILOVER", "instance_name": "rescue.demo"})
        assert job["status"] == "error"
        assert "Could not shutdown instance rescue.demo on node node4.demo" in str(job["opresult"])
        job = run(client, {"OP_ID": "OP_INSTANCE_FAILOVER", "instance_name": "rescue.demo",
                           "ignore_consistency": True})
        assert job["status"] == "success", job["opresult"]
        (inst,) = client.query("instance", ["rescue.demo"], live=True)
        assert (inst["pnode"], inst["snodes"], inst["oper_state"]) == ("node3.demo", ["node4.demo"], True)
    finally:
        cluster.start_node(3, wait=True)
