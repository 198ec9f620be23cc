"""A real cluster for integration tests: a master and agents on loopback, one process each."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shell.client import ClusterClient
from shell.demo import Demo

VENV_BIN = Path(sys.executable).parent


def running_cluster(
    tmp_path_factory: pytest.TempPathFactory, name: str, nodes: int = 3, populate: bool = True
) -> Iterator[Demo]:
    """Start a cluster of agent processes for a test module; stop them all afterwards."""
    demo = Demo(tmp_path_factory.mktemp(name), nodes=nodes, populate=populate)
    demo.start()
    try:
        yield demo
    finally:
        demo.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A 3-node cluster with the demo's sample instances; stopped after the module."""
    yield from running_cluster(tmp_path_factory, "cluster")


@pytest.fixture
def client(cluster: Demo) -> Iterator[ClusterClient]:
    with ClusterClient(cluster.master_address, timeout=30) as c:
        yield c


def cli(cluster: Demo, program: str, *argv: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command as an operator types it: through the gnt-* link, or ``ganeti-shell GROUP``."""
    link = VENV_BIN / program
    if program.startswith("gnt-") and not link.exists():
        cmd = [sys.executable, "-m", "shell", program.removeprefix("gnt-"), *argv]
    elif program == "ganeti-shell":
        cmd = [sys.executable, "-m", "shell", *argv]
    else:
        cmd = [str(link), *argv]
    env = {**os.environ, "GANETI_SHELL_MASTER": cluster.master_address}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, input=input, timeout=120)


def kill_node(cluster: Demo, index: int, sig: int = signal.SIGKILL) -> None:
    pid = int((cluster.node_dirs()[index] / "agent.pid").read_text())
    os.kill(pid, sig)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        import time

        while True:
            try:
                os.kill(pid, 0)
            except OSError:
                break
            time.sleep(0.05)


__all__ = ["cli", "kill_node", "shutil"]


MIRRORED_TEMPLATES = ["file", "diskless", "drbd"]


def mirrored_client(cluster: Demo) -> Iterator[ClusterClient]:
    """A client of ``cluster`` with DRBD enabled; module fixtures ``yield from`` it."""
    with ClusterClient(cluster.master_address, timeout=60) as c:
        assert run(c, {"OP_ID": "OP_CLUSTER_SET_PARAMS", "enabled_disk_templates": MIRRORED_TEMPLATES},
                   )["status"] == "success"
        yield c


def run(client: ClusterClient, op: dict[str, Any]) -> dict[str, Any]:
    """Submit one opcode as a job and wait for its end."""
    return client.wait_job(client.submit_job([op]))


def create_instance(client: ClusterClient, name: str, template: str, pnode: str, snode: str | None = None,
                    memory: int = 2048, start: bool = True) -> None:
    """Create an instance with the noop OS (one 1 GiB disk unless diskless); assert it succeeded."""
    op: dict[str, Any] = {
        "OP_ID": "OP_INSTANCE_CREATE", "instance_name": name, "mode": "create",
        "disk_template": template, "disks": [] if template == "diskless" else [{"size": 1024}],
        "nics": [], "beparams": {"memory": memory}, "pnode": pnode, "os_type": "noop",
        "start": start, "name_check": False, "ip_check": False,
    }
    if snode is not None:
        op["snode"] = snode
    job = run(client, op)
    assert job["status"] == "success", job["opresult"]
