"""A node that dies, a master killed with SIGKILL, restarts: errors are clear and nothing is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shell.client import ClusterClient
from shell.demo import Demo
from tests.integration.conftest import cli, kill_node, running_cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A cluster of its own: these tests kill and restart its processes."""
    yield from running_cluster(tmp_path_factory, "failures")


def _wait_job_status(client: ClusterClient, job_id: int, status: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while client.get_job(job_id)["status"] != status:
        assert time.monotonic() < deadline, f"job {job_id} never became {status}"
        time.sleep(0.05)


def test_dead_agent_is_reported_and_the_master_keeps_serving(cluster: Demo) -> None:
    kill_node(cluster, 2)
    try:
        result = cli(cluster, "gnt-instance", "add", "-t", "file", "-s", "1G", "-n", "node3.demo",
                     "-o", "noop", "late.demo")
        assert result.returncode == 1
        assert "Node node3.demo does not answer" in result.stderr
        assert "Traceback" not in result.stderr
        listed = cli(cluster, "gnt-node", "list", "--no-headers", "--separator=|", "-o", "name,mfree")
        assert listed.returncode == 0
        rows = dict(line.split("|") for line in listed.stdout.splitlines())
        assert rows["node3.demo"] == "?" and rows["node1.demo"] != "?"
        instances = cli(cluster, "gnt-instance", "list", "--no-headers", "--separator=|", "-o", "name,status")
        assert "db1.demo|ERROR_nodedown" in instances.stdout.splitlines()
        verify = cli(cluster, "gnt-cluster", "verify")
        assert verify.returncode == 1
        assert "ERROR: node node3.demo" in verify.stdout
    finally:
        cluster.start_node(2, wait=True)
    _wait_listed(cluster, "db1.demo|running")


def _wait_listed(cluster: Demo, row: str, timeout: float = 15) -> None:
    """The master reconnects to a restarted agent within a couple of seconds."""
    deadline = time.monotonic() + timeout
    while True:
        after = cli(cluster, "gnt-instance", "list", "--no-headers", "--separator=|", "-o", "name,status")
        if row in after.stdout.splitlines():
            return
        assert time.monotonic() < deadline, after.stdout
        time.sleep(0.5)


def test_agent_restart_keeps_its_instances_running(cluster: Demo) -> None:
    kill_node(cluster, 1, signal.SIGTERM)
    cluster.start_node(1, wait=True)
    _wait_listed(cluster, "web2.demo|running")


def test_master_sigkill_loses_no_job_and_no_config(cluster: Demo) -> None:
    with ClusterClient(cluster.master_address) as client:
        instances = sorted(i["name"] for i in client.query("instance"))
        running = client.submit_job([{"OP_ID": "OP_TEST_DELAY", "duration": 60, "on_master": False}])
        _wait_job_status(client, running, "running")
        done = client.submit_job([{"OP_ID": "OP_TEST_DELAY", "duration": 0.01, "on_master": False}])
        client.wait_job(done)
    kill_node(cluster, 0)
    cluster.start_node(0, wait=True)
    with ClusterClient(cluster.master_address) as client:
        assert sorted(i["name"] for i in client.query("instance")) == instances
        dead = client.get_job(running)
        assert dead["status"] == "error"
        assert dead["opresult"] == [f"detected death of job {running}"]
        assert dead["ops"][0]["reason"][-1][:2] == [
            "gnt:daemon:luxid:deathdetection", f"detected death of job {running}"
        ]
        assert client.get_job(done)["status"] == "success"
        again = client.submit_job([{"OP_ID": "OP_TEST_DELAY", "duration": 0.01, "on_master": False}])
        assert again > done
        assert client.wait_job(again)["status"] == "success"
    status = cli(cluster, "gnt-instance", "list", "--no-headers", "--separator=|", "-o", "name,status", "web1.demo")
    assert status.stdout.strip() == "web1.demo|running"


def test_master_refuses_to_start_over_a_corrupt_state_file(tmp_path: Path) -> None:
    from agent.master.init import init_cluster

    state = tmp_path / "m"
    init_cluster(state, "c", "n1", "127.0.0.1", 1)
    (state / "config.db").write_bytes(b"garbage" * 1000)
    result = subprocess.run(
        [sys.executable, "-m", "shell", "agent", "--master", "--state-dir", str(state), "--listen", "127.0.0.1:0"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert str(state / "config.db") in result.stderr
    assert "Traceback" not in result.stderr


def test_master_refuses_to_start_without_a_state_file(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "shell", "agent", "--master", "--state-dir", str(tmp_path), "--listen", "127.0.0.1:0"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert f"state file {tmp_path / 'config.db'} is missing" in result.stderr
    assert not (tmp_path / "config.db").exists()
    assert os.listdir(tmp_path) == [] or "config.db" not in os.listdir(tmp_path)
