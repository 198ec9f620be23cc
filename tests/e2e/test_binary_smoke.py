"""The single binary, alone: a demo cluster, the gnt-* and htools links, and the TUI in a real terminal.

Runs when ``GANETI_SHELL_BINARY`` names a built binary (``make binary-smoke`` builds
one and sets it); nothing from the virtualenv is on the PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

BINARY = os.environ.get("GANETI_SHELL_BINARY", "")
pytestmark = pytest.mark.skipif(not BINARY, reason="GANETI_SHELL_BINARY is not set (make binary-smoke)")


def _env(tmp_path: Path, state: Path) -> dict[str, str]:
    bindir = str(Path(BINARY).parent)
    return {"PATH": f"{bindir}:/usr/bin:/bin", "HOME": str(tmp_path), "TERM": "xterm-256color",
            "GANETI_SHELL_MASTER": f"unix:{state}/node1/master.sock"}


def _run(env: dict[str, str], *argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(argv), capture_output=True, text=True, env=env, timeout=timeout)
    assert done.returncode == 0, f"{argv}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def _wait_for(session: str, pattern: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while True:
        screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session],
                                capture_output=True, text=True).stdout
        if re.search(pattern, screen):
            return screen
        assert time.monotonic() < deadline, f"{pattern!r} never appeared:\n{screen}"
        time.sleep(0.3)


def _pane_command(session: str) -> str:
    return subprocess.run(["tmux", "list-panes", "-t", session, "-F", "#{pane_current_command}"],
                          capture_output=True, text=True).stdout.strip()


def test_binary_runs_a_demo_cluster_its_commands_and_the_tui(tmp_path: Path) -> None:
    state = tmp_path / "demo"
    env = _env(tmp_path, state)
    assert _run(env, "ganeti-shell", "--version").stdout.startswith("ganeti-shell ")
    _run(env, "ganeti-shell", "demo", "--detach", "--state-dir", str(state))
    session = f"gs-bin-{os.getpid()}"
    try:
        assert (state / "node1" / "master.sock").exists(), sorted(p.name for p in state.iterdir())
        listing = _run(env, "gnt-instance", "list", "--no-headers", "-o", "name,status").stdout
        assert "web1.demo" in listing and "running" in listing
        _run(env, "gnt-instance", "add", "-t", "file", "-s", "1G", "-B", "memory=256", "-n", "node3.demo",
             "-o", "noop", "smoke1.demo")
        assert "smoke1.demo" in _run(env, "gnt-instance", "list", "--no-headers", "-o", "name").stdout
        assert _run(env, "gnt-job", "list", "--no-headers").stdout.strip()
        hbal = subprocess.run(["hbal", "-L"], capture_output=True, text=True,
                              env=env, timeout=120)
        assert hbal.returncode == 0 and "Initial score" in hbal.stdout, hbal.stdout + hbal.stderr
        if shutil.which("tmux"):
            subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "45",
                            f"env -i {' '.join(f'{k}={v}' for k, v in env.items())} ganeti-shell tui; sleep 30"],
                           check=True)
            _wait_for(session, r"node1\.demo")  # the overview's node bars
            subprocess.run(["tmux", "send-keys", "-t", session, "2"], check=True)
            _run(env, "gnt-debug", "delay", "0.5")
            _wait_for(session, r"TEST_DELAY")  # the queue screen saw the job through the stream
            subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
            deadline = time.monotonic() + 20  # q quits: the pane's command becomes the sleep after it
            while _pane_command(session) != "sleep":
                assert time.monotonic() < deadline, f"the TUI did not exit on q: {_pane_command(session)}"
                time.sleep(0.3)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        subprocess.run(["ganeti-shell", "demo", "--stop", "--state-dir", str(state)], capture_output=True,
                       env=env, timeout=60)
    pids = list(state.glob("node*/agent.pid"))
    assert not pids, f"agents left running: {pids}"
