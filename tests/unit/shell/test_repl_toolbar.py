"""The bottom toolbar: queue and node health from the master, or "master unreachable"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.errors import GanetiError
from shell.repl.toolbar import ClusterStatus, QueueCounts, StatusPoller, read_status, render


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


@dataclass(frozen=True)
class Update:
    seq: int
    job_id: int
    status: str = ""
    snapshot: bool = False
    snapshot_end: bool = False
    removed: bool = False
    epoch: str = "e1"


def test_queue_counts_follow_a_snapshot_then_every_change() -> None:
    counts = QueueCounts()
    counts.apply([Update(5, 1, "running", snapshot=True), Update(5, 2, "queued", snapshot=True),
                  Update(5, 3, "waiting", snapshot=True, snapshot_end=True)])
    assert (counts.running, counts.queued, counts.seq, counts.epoch) == (1, 2, 5, "e1")
    counts.apply([Update(6, 2, "running"), Update(7, 1, "success"), Update(8, 4, "queued")])
    assert (counts.running, counts.queued, counts.seq) == (1, 2, 8)
    counts.apply([Update(9, 4, "canceled"), Update(10, 3, "archived", removed=True)])
    assert (counts.running, counts.queued) == (1, 0)


def test_a_new_snapshot_replaces_what_was_counted() -> None:
    counts = QueueCounts()
    counts.apply([Update(1, 1, "queued", snapshot=True, snapshot_end=True), Update(2, 2, "queued")])
    counts.apply([Update(40, 0, snapshot=True, snapshot_end=True)])  # an empty queue after a restart
    assert (counts.running, counts.queued, counts.seq) == (0, 0, 40)


def test_the_toolbar_takes_job_counts_from_the_stream_and_only_nodes_from_the_poll() -> None:
    class Streaming(Cluster):
        def get_jobs(self, job_ids: list[int] | None = None) -> tuple[list[dict[str, Any]], list[int]]:
            raise AssertionError("jobs come from the stream")

    changes: list[None] = []
    poller = StatusPoller(lambda: Streaming(), on_change=lambda: changes.append(None))
    poller.follow(iter([[Update(3, 1, "running", snapshot=True), Update(3, 2, "queued", snapshot=True,
                                                                        snapshot_end=True)]]))
    assert poller.following
    assert poller.refresh() == ClusterStatus(True, running=1, queued=1, nodes=3, answering=1)
    poller.follow(iter([[Update(4, 2, "running")], [Update(5, 1, "success"), Update(6, 2, "success")]]))
    assert poller.status == ClusterStatus(True, running=0, queued=0, nodes=3, answering=1)
    assert len(changes) == 3  # the poll, then one redraw per batch
