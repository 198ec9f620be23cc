"""The operator's story in a real terminal: watch the queue in ``ganeti-shell tui``, pause jobs
with a filter rule added from the CLI in another window, see them held, remove it, see them
run; then preview a balance of a crowded cluster and accept it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shell.client import ClusterClient
from shell.demo import Demo
from tests.integration.conftest import create_instance, mirrored_client, running_cluster

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def _screen(target: str) -> str:
    return _tmux("capture-pane", "-p", "-t", target)


def _wait_for(target: str, pattern: str, timeout: float = 60) -> re.Match[str]:
    """Wait until the pane shows ``pattern`` (a regular expression); return the match."""
    deadline = time.monotonic() + timeout
    while True:
        screen = _screen(target)
        found = re.search(pattern, screen)
        if found:
            return found
        assert time.monotonic() < deadline, f"{pattern!r} never appeared:\n{screen}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    yield from running_cluster(tmp_path_factory, "tui-e2e", nodes=1, populate=False)


def test_pause_filter_from_the_cli_holds_jobs_in_the_tui_queue_until_removed(
        cluster: Demo, tmp_path: Path) -> None:
    session = f"gs-tui-{tmp_path.name}"[-30:]
    tui = f"{session}:0"
    cli = f"{session}:1"
    env = f"env HOME={tmp_path} GANETI_SHELL_MASTER={cluster.master_address}"
    _tmux("new-session", "-d", "-s", session, "-x", "140", "-y", "40",
          f"{env} {sys.executable} -m shell tui; sleep 30")
    _tmux("new-window", "-d", "-t", cli, f"{env} bash --norc --noprofile")
    try:
        _wait_for(tui, r"\d Queue")  # the footer lists the screens
        _tmux("send-keys", "-t", tui, "2")
        _wait_for(tui, r"\d+ jobs · .*connected")

        gnt = f"{sys.executable} -m shell"
        _tmux("send-keys", "-t", cli,
              f"{gnt} filter add --action PAUSE --predicates '[[\"jobid\", [\">\", \"id\", \"watermark\"]]]'"
              f" > {tmp_path}/uuid && for i in 1 2 3; do {gnt} debug delay --submit 0.2; done", "Enter")
        _wait_for(cli, r"(JobID: \d+\s+){3}")
        uuid = (tmp_path / "uuid").read_text().strip()
        ids = re.findall(r"JobID: (\d+)", _screen(cli))[-3:]

        for job_id in ids:  # all three held in the queue
            _wait_for(tui, rf"\n{job_id} +queued ")
        _tmux("send-keys", "-t", tui, "end")  # the newest job: why does it wait?
        _wait_for(tui, rf"job {ids[-1]} queued: paused by filter rule {uuid}")

        _tmux("send-keys", "-t", cli, f"{gnt} filter delete {uuid}", "Enter")
        for job_id in ids:  # released: they run to the end
            _wait_for(tui, rf"\n{job_id} +success ")
        _wait_for(tui, r"queued 0|\d+ jobs · (?!.*queued)")

        _tmux("send-keys", "-t", tui, "q")  # quits, and the terminal is given back
        deadline = time.monotonic() + 20
        while "jobs ·" in _screen(tui):
            assert time.monotonic() < deadline, "the TUI did not quit on q"
            time.sleep(0.2)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo cluster with more instances piled on its first node, so that hbal has moves to propose."""
    for demo in running_cluster(tmp_path_factory, "tui-e2e-balance", nodes=3):
        for client in mirrored_client(demo):
            for i in range(3):
                create_instance(client, f"crowd{i}.demo", "diskless", "node1.demo")
            create_instance(client, "crowd-pair.demo", "drbd", "node1.demo", "node2.demo", memory=1024)
        yield demo


def test_balance_preview_and_accept_in_the_tui_moves_the_instances(crowded: Demo, tmp_path: Path) -> None:
    session = f"gs-bal-{tmp_path.name}"[-30:]
    env = f"env HOME={tmp_path} GANETI_SHELL_MASTER={crowded.master_address}"
    _tmux("new-session", "-d", "-s", session, "-x", "150", "-y", "45",
          f"{env} {sys.executable} -m shell tui; sleep 30")
    try:
        _wait_for(session, r"\d Balance")
        _tmux("send-keys", "-t", session, "4")
        found = _wait_for(session, r"score ([\d.]+) → ([\d.]+) \(optimal [\d.]+\), (\d+) move")
        before, after, moves = float(found[1]), float(found[2]), int(found[3])
        assert after < before and moves >= 1
        _tmux("send-keys", "-t", session, "a")
        _wait_for(session, r"same as: hbal -L -X")  # the confirmation names the one-shot command
        _tmux("send-keys", "-t", session, "y")
        _wait_for(session, rf"All {moves} job\(s\) succeeded\.", timeout=120)
        with ClusterClient(crowded.master_address) as client:
            pnodes = {i["pnode"] for i in client.query("instance")}
        assert pnodes != {"node1.demo"}  # the plan moved instances off the crowded node
        _tmux("send-keys", "-t", session, "q")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
