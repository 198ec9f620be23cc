"""The bottom toolbar: queue and node health from the master, or "master unreachable"."""

from __future__ import annotations

from typing import Any

from agent.errors import GanetiError
from shell.repl.toolbar import ClusterStatus, StatusPoller, read_status, render


class Cluster:
    def __init__(self, dead: bool = False) -> None:
        self.dead = dead

    def query(
        self, kind: str, names: list[str] | None = None, live: bool = False
    ) -> list[dict[str, Any]]:
        if self.dead:
            raise GanetiError("down")
        assert kind == "node" and live
        return [
            {"name": "n1", "live": {"mfree": 1}},
            {"name": "n2", "live": {"error": "timeout"}},
            {"name": "n3", "live": {"offline": True}},
        ]

    def get_jobs(self, job_ids: list[int] | None = None) -> tuple[list[dict[str, Any]], list[int]]:
        if self.dead:
            raise GanetiError("down")
        return [
            {"id": 1, "status": "running"},
            {"id": 2, "status": "queued"},
            {"id": 3, "status": "waiting"},
            {"id": 4, "status": "success"},
        ], []


def text(status: ClusterStatus) -> str:
    return "".join(part[1] for part in render("unix:/run/master.sock", status))


def test_status_counts_jobs_and_answering_nodes() -> None:
    assert read_status(Cluster()) == ClusterStatus(True, running=1, queued=2, nodes=3, answering=1)


def test_toolbar_shows_master_queue_and_health() -> None:
    shown = text(ClusterStatus(True, running=1, queued=2, nodes=3, answering=1))
    assert "unix:/run/master.sock" in shown
    assert "1 running, 2 queued" in shown
    assert "1/3 answering" in shown


def test_poller_says_unreachable_when_the_master_fails() -> None:
    changes: list[None] = []
    poller = StatusPoller(lambda: Cluster(dead=True), on_change=lambda: changes.append(None))
    assert poller.refresh().reachable is False
    assert "master unreachable" in text(poller.status)
    assert len(changes) == 1
    poller.refresh()
    assert len(changes) == 1  # no redraw when nothing changed


def test_toolbar_before_the_first_answer() -> None:
    assert "connecting" in text(ClusterStatus())
