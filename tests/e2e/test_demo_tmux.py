"""The operator's first minutes, in a real terminal: ``ganeti-shell demo`` opens a working shell."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def _wait_for(session: str, text: str, timeout: float = 60) -> str:
    """Wait until the pane shows ``text`` (a regular expression)."""
    deadline = time.monotonic() + timeout
    while True:
        screen = _tmux("capture-pane", "-p", "-t", session, "-S", "-200")
        if re.search(text, screen):
            return screen
        assert time.monotonic() < deadline, f"{text!r} never appeared:\n{screen}"
        time.sleep(0.2)


def test_demo_opens_a_shell_on_a_three_node_cluster_and_stops_it(tmp_path: Path) -> None:
    session = f"gs-demo-{tmp_path.name}"[-30:]
    state = tmp_path / "demo"
    cmd = f"{sys.executable} -m shell demo --state-dir {state}"
    _tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50",
          f"env HOME={tmp_path} GANETI_SHELL_HISTORY={tmp_path}/history {cmd}; sleep 30")
    try:
        _wait_for(session, "Demo cluster running")
        _tmux("send-keys", "-t", session, "gnt-instance add -t file -s 1G -B memory=512 -n node2.demo -o noop shell1.demo", "Enter")
        _wait_for(session, r"Starting instance shell1\.demo on node node2\.demo")
        _tmux("send-keys", "-t", session, "gnt-instance list", "Enter")
        screen = _wait_for(session, r"shell1\.demo +fake")
        rows = [line.split() for line in screen.splitlines() if line.startswith(("shell1.demo", "web1.demo"))]
        assert ["shell1.demo", "fake", "noop", "node2.demo", "running", "512M"] in rows
        _tmux("send-keys", "-t", session, "gnt-node list --no-headers -o name", "Enter")
        _wait_for(session, r"\nnode3\.demo")
        _tmux("send-keys", "-t", session, "exit", "Enter")
        _wait_for(session, "Demo cluster stopped")
        pids = [p for p in state.glob("node*/agent.pid")]
        deadline = time.monotonic() + 20
        while any(p.exists() for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(p.exists() for p in pids)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        subprocess.run([sys.executable, "-m", "shell", "demo", "--stop", "--state-dir", str(state)],
                       capture_output=True)
