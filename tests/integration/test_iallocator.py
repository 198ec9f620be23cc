"""Instance placement through allocators on a real 3-node cluster: built-in, external, Ganeti's hail.

Two nodes get an extra 4000 MiB instance first, so node3 is clearly the least
loaded node (memory, disk and CPU), where a balancing allocator puts the next
instance while keeping the cluster N+1 safe.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.master.iallocator.runner import SEARCH_PATH_ENV
from shell.client import ClusterClient
from shell.demo import Demo
from tests.integration.conftest import cli, running_cluster

GANETI_HAIL = Path("/usr/lib/ganeti/iallocators/hail")
ADD = ("gnt-instance", "add", "-t", "file", "-s", "1G", "-o", "noop")


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture(scope="module")
def search_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("iallocators")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, search_dir: Path) -> Iterator[Demo]:
    """The demo cluster, its master looking for allocators by name in ``search_dir``."""
    saved = os.environ.get(SEARCH_PATH_ENV)
    os.environ[SEARCH_PATH_ENV] = str(search_dir)
    try:
        gen = running_cluster(tmp_path_factory, "iallocator")
        demo = next(gen)
    finally:
        if saved is None:
            os.environ.pop(SEARCH_PATH_ENV, None)
        else:
            os.environ[SEARCH_PATH_ENV] = saved
    try:
        for name, node in (("fill1.demo", "node1.demo"), ("fill2.demo", "node2.demo")):
            added = cli(demo, *ADD, "-B", "memory=4000", "-n", node, name)
            assert added.returncode == 0, added.stderr
        yield demo
    finally:
        next(gen, None)


def _pnode(cluster: Demo, name: str) -> str:
    with ClusterClient(cluster.master_address, timeout=30) as client:
        (inst,) = client.query("instance", [name])
    return str(inst["pnode"])


def _instance_names(cluster: Demo) -> set[str]:
    with ClusterClient(cluster.master_address, timeout=30) as client:
        return {i["name"] for i in client.query("instance")}


def _remove(cluster: Demo, name: str) -> None:
    removed = cli(cluster, "gnt-instance", "remove", "-f", name)
    assert removed.returncode == 0, removed.stderr


def test_add_without_node_is_placed_by_the_built_in_default_allocator(cluster: Demo) -> None:
    added = cli(cluster, *ADD, "-B", "memory=2000", "auto1.demo")
    assert added.returncode == 0, added.stderr
    assert "Selected nodes for instance auto1.demo via iallocator hail: node3.demo" in added.stdout
    assert _pnode(cluster, "auto1.demo") == "node3.demo"
    listed = cli(cluster, "gnt-instance", "list", "--no-headers", "--separator=|", "-o", "name,status",
                 "auto1.demo")
    assert listed.stdout.strip() == "auto1.demo|running"
    _remove(cluster, "auto1.demo")


def test_dot_means_the_cluster_default_allocator(cluster: Demo) -> None:
    added = cli(cluster, *ADD, "-B", "memory=2000", "-I", ".", "auto2.demo")
    assert added.returncode == 0, added.stderr
    assert "via iallocator hail: node3.demo" in added.stdout
    _remove(cluster, "auto2.demo")


@pytest.mark.skipif(not GANETI_HAIL.exists(), reason="Ganeti's hail is not installed")
def test_ganetis_hail_as_external_allocator_places_the_instance(cluster: Demo) -> None:
    added = cli(cluster, *ADD, "-B", "memory=2000", "-I", str(GANETI_HAIL), "hailed1.demo")
    assert added.returncode == 0, added.stderr
    assert f"Selected nodes for instance hailed1.demo via iallocator {GANETI_HAIL}: node3.demo" in added.stdout
    assert _pnode(cluster, "hailed1.demo") == "node3.demo"
    _remove(cluster, "hailed1.demo")


@pytest.mark.skipif(not GANETI_HAIL.exists(), reason="Ganeti's hail is not installed")
def test_master_acts_on_ganetis_hail_answer_where_several_nodes_fit(cluster: Demo, tmp_path: Path) -> None:
    # A small instance fits every node: whatever hail chooses is where it must land.
    wrapper = _script(tmp_path / "hail-recorded", f'cp "$1" {tmp_path}/request.json\n'
                      f'{GANETI_HAIL} "$@" > {tmp_path}/answer.json || exit $?\n'
                      f"cat {tmp_path}/answer.json\n")
    added = cli(cluster, *ADD, "-B", "memory=256", "-I", str(wrapper), "hailed2.demo")
    assert added.returncode == 0, added.stderr
    answer = json.loads((tmp_path / "answer.json").read_text())
    assert answer["success"] is True, answer["info"]
    (chosen,) = answer["result"]
    assert _pnode(cluster, "hailed2.demo") == chosen
    assert f"via iallocator {wrapper}: {chosen}" in added.stdout
    request = json.loads((tmp_path / "request.json").read_text())
    assert request["request"]["type"] == "allocate" and request["request"]["name"] == "hailed2.demo"
    assert set(request["nodes"]) == {"node1.demo", "node2.demo", "node3.demo"}
    assert request["instances"]["fill1.demo"]["nodes"] == ["node1.demo"]
    _remove(cluster, "hailed2.demo")


def test_an_external_allocators_choice_is_followed(cluster: Demo, tmp_path: Path) -> None:
    pinned = _script(tmp_path / "pinned", 'echo \'{"success": true, "info": "", "result": ["node2.demo"]}\'\n')
    added = cli(cluster, *ADD, "-B", "memory=128", "-I", str(pinned), "pinned1.demo")
    assert added.returncode == 0, added.stderr
    assert _pnode(cluster, "pinned1.demo") == "node2.demo"
    _remove(cluster, "pinned1.demo")


def test_allocators_are_found_by_name_and_can_be_the_cluster_default(cluster: Demo, search_dir: Path) -> None:
    _script(search_dir / "node1-only", 'echo \'{"success": true, "info": "", "result": ["node1.demo"]}\'\n')
    added = cli(cluster, *ADD, "-B", "memory=128", "-I", "node1-only", "named1.demo")
    assert added.returncode == 0, added.stderr
    assert "via iallocator node1-only: node1.demo" in added.stdout
    assert _pnode(cluster, "named1.demo") == "node1.demo"
    _remove(cluster, "named1.demo")
    modified = cli(cluster, "gnt-cluster", "modify", "--default-iallocator", "node1-only")
    assert modified.returncode == 0, modified.stderr
    try:
        added = cli(cluster, *ADD, "-B", "memory=128", "named2.demo")
        assert added.returncode == 0, added.stderr
        assert "via iallocator node1-only: node1.demo" in added.stdout
        _remove(cluster, "named2.demo")
    finally:
        assert cli(cluster, "gnt-cluster", "modify", "-I", "hail").returncode == 0


def test_an_unknown_default_allocator_is_refused(cluster: Demo) -> None:
    modified = cli(cluster, "gnt-cluster", "modify", "-I", "nosuch")
    assert modified.returncode == 1
    assert "Invalid default iallocator script 'nosuch' specified" in modified.stderr


def test_garbage_from_an_allocator_fails_the_job_and_creates_nothing(cluster: Demo, tmp_path: Path) -> None:
    garbage = _script(tmp_path / "garbage", "echo 'this is not an answer'\n")
    before = _instance_names(cluster)
    added = cli(cluster, *ADD, "-B", "memory=128", "-I", str(garbage), "bad1.demo")
    assert added.returncode == 1
    assert f"Invalid answer from iallocator '{garbage}': Can't parse iallocator results" in added.stderr
    assert "Traceback" not in added.stderr
    assert _instance_names(cluster) == before
    assert not list(cluster.dir.glob("**/*bad1.demo*"))


def test_a_failing_allocator_fails_the_job_with_its_output(cluster: Demo, tmp_path: Path) -> None:
    failing = _script(tmp_path / "failing", "echo 'out of ideas' >&2; exit 2\n")
    added = cli(cluster, *ADD, "-B", "memory=128", "-I", str(failing), "bad2.demo")
    assert added.returncode == 1
    assert (f"Failure while running the iallocator script: iallocator module '{failing}' failed: "
            "exited with exit code 2, output 'out of ideas'") in added.stderr
    assert "bad2.demo" not in _instance_names(cluster)


def test_an_answer_with_a_wrong_node_is_refused(cluster: Demo, tmp_path: Path) -> None:
    liar = _script(tmp_path / "liar", 'echo \'{"success": true, "info": "", "result": ["node9.demo"]}\'\n')
    added = cli(cluster, *ADD, "-B", "memory=128", "-I", str(liar), "bad3.demo")
    assert added.returncode == 1
    assert "iallocator returned unknown node(s): node9.demo" in added.stderr
    assert "bad3.demo" not in _instance_names(cluster)


def test_no_room_anywhere_is_the_allocators_failure(cluster: Demo) -> None:
    added = cli(cluster, *ADD, "-B", "memory=20000", "huge.demo")
    assert added.returncode == 1
    assert "Can't compute nodes using iallocator 'hail': Request failed:" in added.stderr
    assert "huge.demo" not in _instance_names(cluster)


def test_node_and_allocator_together_are_refused(cluster: Demo) -> None:
    added = cli(cluster, *ADD, "-n", "node1.demo", "-I", "hail", "both.demo")
    assert added.returncode == 1
    assert "Do not specify both, iallocator and node" in added.stderr


def _enable_drbd(cluster: Demo) -> None:
    modified = cli(cluster, "gnt-cluster", "modify", "--enabled-disk-templates", "file,diskless,drbd")
    assert modified.returncode == 0, modified.stderr


def _placement(cluster: Demo, name: str) -> tuple[str, list[str]]:
    with ClusterClient(cluster.master_address, timeout=30) as client:
        (inst,) = client.query("instance", [name])
    return str(inst["pnode"]), list(inst["snodes"])


def test_drbd_instance_gets_primary_and_secondary_from_the_built_in_allocator(cluster: Demo) -> None:
    _enable_drbd(cluster)
    added = cli(cluster, "gnt-instance", "add", "-t", "drbd", "-s", "1G", "-o", "noop", "-B", "memory=256",
                "mirror1.demo")
    assert added.returncode == 0, added.stderr
    line = next(x for x in added.stdout.splitlines() if "Selected nodes for instance mirror1.demo" in x)
    chosen = line.split("via iallocator hail: ")[1].split(", ")
    assert len(chosen) == 2 and chosen[0] != chosen[1]
    assert _placement(cluster, "mirror1.demo") == (chosen[0], [chosen[1]])
    _remove(cluster, "mirror1.demo")


@pytest.mark.skipif(not GANETI_HAIL.exists(), reason="Ganeti's hail is not installed")
def test_drbd_placement_follows_ganetis_hail(cluster: Demo, tmp_path: Path) -> None:
    _enable_drbd(cluster)
    wrapper = _script(tmp_path / "hail-recorded", f'{GANETI_HAIL} "$@" > {tmp_path}/answer.json || exit $?\n'
                      f"cat {tmp_path}/answer.json\n")
    added = cli(cluster, "gnt-instance", "add", "-t", "drbd", "-s", "1G", "-o", "noop", "-B", "memory=256",
                "-I", str(wrapper), "mirror2.demo")
    assert added.returncode == 0, added.stderr
    answer = json.loads((tmp_path / "answer.json").read_text())
    assert answer["success"] is True, answer["info"]
    primary, secondary = answer["result"]
    assert _placement(cluster, "mirror2.demo") == (primary, [secondary])
    _remove(cluster, "mirror2.demo")


def _evacuate(cluster: Demo, *argv: str) -> subprocess.CompletedProcess[str]:
    return cli(cluster, "gnt-node", "evacuate", "-f", *argv)


def test_node_evacuate_moves_secondaries_where_the_allocator_says(cluster: Demo) -> None:
    _enable_drbd(cluster)
    added = cli(cluster, "gnt-instance", "add", "-t", "drbd", "-s", "1G", "-o", "noop", "-B", "memory=256",
                "-n", "node1.demo:node2.demo", "evac1.demo")
    assert added.returncode == 0, added.stderr
    moved = _evacuate(cluster, "-s", "node2.demo")
    assert moved.returncode == 0, moved.stderr + moved.stdout
    # node1 is the primary and node2 is being emptied: node3 is the only new secondary.
    assert "Instances to be moved: evac1.demo (to node1.demo, node3.demo)" in moved.stdout
    assert "All instances evacuated successfully." in moved.stdout
    assert _placement(cluster, "evac1.demo") == ("node1.demo", ["node3.demo"])
    _remove(cluster, "evac1.demo")


@pytest.mark.skipif(not GANETI_HAIL.exists(), reason="Ganeti's hail is not installed")
def test_node_evacuate_runs_the_jobs_ganetis_hail_plans(cluster: Demo) -> None:
    _enable_drbd(cluster)
    added = cli(cluster, "gnt-instance", "add", "-t", "drbd", "-s", "1G", "-o", "noop", "-B", "memory=256",
                "-n", "node2.demo:node3.demo", "evac2.demo")
    assert added.returncode == 0, added.stderr
    moved = _evacuate(cluster, "-s", "-I", str(GANETI_HAIL), "node3.demo")
    assert moved.returncode == 0, moved.stderr + moved.stdout
    assert _placement(cluster, "evac2.demo") == ("node2.demo", ["node1.demo"])
    _remove(cluster, "evac2.demo")


def test_node_evacuate_refuses_all_instances_at_once(cluster: Demo) -> None:
    moved = _evacuate(cluster, "node1.demo")
    assert moved.returncode == 1
    assert "it is not possible to evacuate all instances at once" in moved.stderr


def test_node_evacuate_of_plain_file_instances_reports_the_allocators_refusal(cluster: Demo) -> None:
    moved = _evacuate(cluster, "-p", "node1.demo")
    assert moved.returncode == 1
    assert "Unable to evacuate instances" in moved.stderr
    assert "fill1.demo" in moved.stderr


def test_node_evacuate_to_a_named_new_secondary(cluster: Demo) -> None:
    _enable_drbd(cluster)
    added = cli(cluster, "gnt-instance", "add", "-t", "drbd", "-s", "1G", "-o", "noop", "-B", "memory=256",
                "-n", "node3.demo:node2.demo", "evac3.demo")
    assert added.returncode == 0, added.stderr
    moved = _evacuate(cluster, "-n", "node1.demo", "node2.demo")
    assert moved.returncode == 0, moved.stderr + moved.stdout
    assert "hence evacuating secondary instances only" in moved.stderr
    assert _placement(cluster, "evac3.demo") == ("node3.demo", ["node1.demo"])
    _remove(cluster, "evac3.demo")
    nothing = _evacuate(cluster, "-s", "node2.demo")
    assert nothing.returncode == 0
    assert "No instances to evacuate on node(s) node2.demo, exiting." in nothing.stderr


def test_node_group_is_passed_to_the_allocator(cluster: Demo) -> None:
    added = cli(cluster, *ADD, "-B", "memory=2000", "-g", "default", "grouped1.demo")
    assert added.returncode == 0, added.stderr
    assert "via iallocator hail: node3.demo" in added.stdout
    _remove(cluster, "grouped1.demo")
    unknown = cli(cluster, *ADD, "-B", "memory=128", "-g", "nosuch", "grouped2.demo")
    assert unknown.returncode == 1
    assert "Can't compute nodes using iallocator 'hail': Request failed:" in unknown.stderr
    assert "nosuch" in unknown.stderr
