"""``ganeti-shell demo``: a local cluster on loopback, one agent process per node.

The first start initialises the cluster, joins the nodes and creates a few
instances; later starts with the same state directory bring the same cluster
back. Without ``--detach`` it opens the shell and stops the cluster on exit.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from agent import pki
from agent.errors import GanetiError

DEMO_FILE = "demo.json"
SOCKET = "master.sock"
SAMPLE_INSTANCES = (
    ("web1.demo", 0, "512", True),
    ("web2.demo", 1, "512", True),
    ("db1.demo", 2, "1G", True),
    ("batch1.demo", 1, "256", False),
)


def _default_state_dir() -> Path:
    return Path(os.environ.get("TMPDIR", "/tmp")) / f"ganeti-shell-demo-{os.getuid()}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _self_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "shell"]


def _alive(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def _wait_for(path: Path, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise GanetiError(f"{what} did not start within {timeout:.0f}s (see its agent.log)")
        time.sleep(0.05)


class Demo:
    def __init__(self, state_dir: Path, nodes: int, populate: bool = True) -> None:
        self.dir = state_dir
        self.nodes = nodes
        self.populate = populate
        self.layout: dict[str, object] = {}

    @property
    def socket_path(self) -> Path:
        return self.dir / "node1" / SOCKET

    @property
    def master_address(self) -> str:
        return f"unix:{self.socket_path}"

    def node_dirs(self) -> list[Path]:
        return [self.dir / f"node{i}" for i in range(1, int(self.layout["nodes"]) + 1)]  # type: ignore[call-overload]

    def running(self) -> list[int]:
        return [pid for d in self.dir.glob("node*") if (pid := _alive(d / "agent.pid"))]

    def start(self) -> None:
        layout_file = self.dir / DEMO_FILE
        fresh = not layout_file.exists()
        if fresh:
            self.dir.mkdir(parents=True, exist_ok=True)
            self.layout = {"nodes": self.nodes, "ports": [_free_port() for _ in range(self.nodes)]}
            layout_file.write_text(json.dumps(self.layout))
        else:
            self.layout = json.loads(layout_file.read_text())
        if self.running():
            raise GanetiError(f"a demo cluster is already running in {self.dir}; stop it with "
                              f"'ganeti-shell demo --stop --state-dir {self.dir}'")
        ports: list[int] = self.layout["ports"]  # type: ignore[assignment]
        if fresh:
            from agent.master.init import init_cluster

            init_cluster(self.dir / "node1", "demo-cluster", "node1.demo", "127.0.0.1", ports[0])
        for index in range(len(self.node_dirs())):
            self.start_node(index)
        for index, node_dir in enumerate(self.node_dirs()):
            _wait_for(node_dir / "agent.addr", f"the agent of node{index + 1}")
        _wait_for(self.socket_path, "the master")
        if fresh and self.populate:
            self._populate(ports)

    def start_node(self, index: int, wait: bool = False) -> subprocess.Popen[bytes]:
        """Start the agent of node ``index + 1`` (the first one is the master too)."""
        node_dir = self.node_dirs()[index]
        node_dir.mkdir(parents=True, exist_ok=True)
        (node_dir / "agent.addr").unlink(missing_ok=True)
        ports: list[int] = self.layout["ports"]  # type: ignore[assignment]
        cmd = [*_self_command(), "agent", "--state-dir", str(node_dir),
               "--listen", f"127.0.0.1:{ports[index]}", "--memory-mib", "16384",
               "--disk-mib", "204800", "--cpus", "8", "--log-file", str(node_dir / "agent.log")]
        if index == 0:
            cmd.append("--master")
            self.socket_path.unlink(missing_ok=True)  # the new master's socket marks it ready
        with open(node_dir / "agent.err", "ab") as err:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=err, start_new_session=True)
        if wait:
            _wait_for(node_dir / "agent.addr", f"the agent of node{index + 1}")
            if index == 0:
                _wait_for(self.socket_path, "the master")
        return proc

    def _populate(self, ports: list[int]) -> None:
        from shell.client import ClusterClient

        with ClusterClient(self.master_address) as client:
            for index in range(2, len(ports) + 1):
                token = (self.dir / f"node{index}" / pki.JOIN_TOKEN).read_text().strip()
                job = client.submit_job(
                    [{"OP_ID": "OP_NODE_ADD", "node_name": f"node{index}.demo",
                      "primary_ip": "127.0.0.1", "agent_port": ports[index - 1]}],
                    {0: {"join_token": token}},
                )
                _check(client.wait_job(job))
            for name, node_index, memory, start in SAMPLE_INSTANCES:
                node = f"node{node_index % len(ports) + 1}.demo"
                job = client.submit_job([{
                    "OP_ID": "OP_INSTANCE_CREATE", "instance_name": name, "mode": "create",
                    "disk_template": "file", "disks": [{"size": 1024}], "nics": [{}],
                    "beparams": {"memory": memory}, "pnode": node, "os_type": "noop",
                    "start": start, "name_check": False, "ip_check": False,
                }])
                _check(client.wait_job(job))

    def stop(self, timeout: float = 20.0) -> None:
        pids = self.running()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + timeout
        while any(_pid_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in pids:
            if _pid_alive(pid):
                os.kill(pid, signal.SIGKILL)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # reap our own children so they do not linger as zombies
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def _check(job: dict[str, object]) -> None:
    if job["status"] != "success":
        raise GanetiError(f"demo set-up job {job['id']} failed: {job['opresult']}")


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="ganeti-shell demo", description=__doc__)
    p.add_argument("--nodes", type=int, default=3, help="number of nodes (default 3)")
    p.add_argument("--state-dir", type=Path, default=_default_state_dir(), help="where the cluster lives")
    p.add_argument("--detach", action="store_true", help="leave the cluster running and print how to reach it")
    p.add_argument("--stop", action="store_true", help="stop the demo cluster in --state-dir")
    args = p.parse_args(argv)
    if args.nodes < 1:
        p.error("--nodes must be at least 1")
    demo = Demo(args.state_dir, args.nodes)
    if args.stop:
        if not (args.state_dir / DEMO_FILE).exists():
            print(f"ganeti-shell demo: no demo cluster in {args.state_dir}", file=sys.stderr)
            return 1
        demo.stop()
        print(f"Stopped the demo cluster in {args.state_dir}")
        return 0
    try:
        demo.start()
    except GanetiError as exc:
        print(f"ganeti-shell demo: {exc.message}", file=sys.stderr)
        demo.stop()
        return 1
    if args.detach:
        print(f"GANETI_SHELL_MASTER={demo.master_address}")
        return 0
    os.environ["GANETI_SHELL_MASTER"] = demo.master_address
    print(f"Demo cluster running in {args.state_dir} (master {demo.master_address}).")
    print("Try: gnt-instance list · gnt-node list · gnt-cluster verify · help · exit")
    try:
        from shell.repl.app import run_repl

        return run_repl([])
    finally:
        demo.stop()
        print("Demo cluster stopped; its state stays in", args.state_dir)
