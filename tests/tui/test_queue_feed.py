"""QueueFeed: stream updates become rows, snapshots reconcile, history per second, reconnection.

A small stand-in for ClusterClient feeds it real QueueUpdate messages; the
feed's own threads and flush run as in the app.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

from agent.errors import MasterUnreachable
from protos import cluster_pb2
from shell.tui.feed import QueueFeed

EPOCH_A, EPOCH_B = "a" * 32, "b" * 32


def update(seq: int, job_id: int, status: str, epoch: str = EPOCH_A, **extra: Any) -> cluster_pb2.QueueUpdate:
    return cluster_pb2.QueueUpdate(seq=seq, epoch=epoch, job_id=job_id, status=status,
                                   summary=[f"TEST_DELAY({job_id})"], **extra)


class StreamClient:
    """Answers like the master: one stream of updates (then the stream ends), and GetJobs."""

    address = "unix:/test/master.sock"

    def __init__(self, updates: list[cluster_pb2.QueueUpdate], jobs: dict[int, dict[str, Any]] | None = None,
                 fail: bool = False, then: str = "end") -> None:
        self.updates = updates
        self.jobs = jobs or {}
        self.fail = fail
        self.then = then  # after the updates the stream ends, "dies" or "holds" until closed
        self.closed = threading.Event()
        self.asked: list[tuple[int, str]] = []

    def __enter__(self) -> StreamClient:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def close(self) -> None:
        self.closed.set()

    def cluster_info(self) -> dict[str, Any]:
        if self.fail:
            raise MasterUnreachable("Cannot communicate with the master at unix:/test/master.sock.")
        return {}

    def watch_queue(self, after_seq: int = 0, epoch: str = "") -> Iterator[cluster_pb2.QueueUpdate]:
        self.asked.append((after_seq, epoch))
        yield from self.updates
        if self.then == "dies":
            raise MasterUnreachable("Cannot communicate with the master at unix:/test/master.sock.")
        if self.then == "holds":
            self.closed.wait()

    def get_jobs(self, ids: list[int]) -> tuple[list[dict[str, Any]], list[int]]:
        return [self.jobs[i] for i in ids if i in self.jobs], [i for i in ids if i not in self.jobs]


def test_snapshot_then_changes_become_rows_with_one_changed_message() -> None:
    posted: list[Any] = []
    feed = QueueFeed(lambda: StreamClient([]), post=posted.append)
    feed._follow(StreamClient([  # type: ignore[arg-type]
        update(5, 1, "running", snapshot=True),
        update(5, 2, "queued", snapshot=True, snapshot_end=True),
        update(6, 3, "queued", reason="maintenance"),
        update(7, 1, "success"),
        update(8, 2, "archived", removed=True),
    ]))
    changed = feed.flush()
    assert changed == {1, 2, 3}
    assert [type(m) for m in posted] == [QueueFeed.Changed] and posted[0].job_ids == changed
    assert sorted(feed.jobs) == [1, 3]
    assert feed.jobs[1].status == "success" and feed.jobs[3].reason == "maintenance"
    assert feed.jobs[3].received is not None  # a new job: received now
    assert feed.jobs[1].received is None  # from the snapshot: asked for when shown
    assert (feed.seq, feed.epoch) == (8, EPOCH_A)
    assert feed.status_counts["success"] == 1 and feed.depth == 1


def test_a_new_epoch_snapshot_asks_what_became_of_jobs_it_lacks() -> None:
    done = {"id": 2, "status": "success", "priority": 0, "summary": ["TEST_DELAY(2)"],
            "received_ts": [1_700_000_000, 500_000], "ops": [{"reason": [["gnt:client:gnt-debug", "delay", 1]]}]}
    feed = QueueFeed(lambda: StreamClient([], {2: done}))
    feed._follow(StreamClient([update(1, 1, "queued"), update(2, 2, "running"), update(3, 4, "success")]))  # type: ignore[arg-type]
    feed.flush()
    feed._follow(StreamClient([update(9, 1, "queued", epoch=EPOCH_B, snapshot=True, snapshot_end=True)]))  # type: ignore[arg-type]
    feed.flush()
    assert feed._refresh_queue and list(feed._refresh_queue) == [2]
    feed._refresh()
    feed.flush()
    assert feed.jobs[2].status == "success"
    assert feed.jobs[2].received == 1_700_000_000.5 and feed.jobs[2].submitter == "gnt-debug delay"
    assert feed.jobs[4].status == "success"  # finished before the restart: kept
    assert feed.epoch == EPOCH_B


def test_history_keeps_queue_depth_and_finished_jobs_per_second() -> None:
    feed = QueueFeed(lambda: StreamClient([]))
    start = 1_800_000_000.0
    feed.flush(start)
    feed._follow(StreamClient([update(1, 1, "queued"), update(2, 2, "queued")]))  # type: ignore[arg-type]
    feed.flush(start + 0.5)
    feed._follow(StreamClient([update(3, 1, "success")]))  # type: ignore[arg-type]
    feed.flush(start + 1.2)
    feed.flush(start + 2.1)
    points = [(p.second - int(start), p.depth, p.finished) for p in feed.history]
    assert points == [(0, 2, 0), (1, 1, 1)]


def test_a_lost_master_is_reported_and_the_stream_resumes_from_the_last_position() -> None:
    first = StreamClient([update(1, 1, "queued"), update(2, 1, "running")], then="dies")
    down = StreamClient([], fail=True)
    back = StreamClient([update(3, 1, "success")], then="holds")
    clients = iter([first, down, back])
    posted: list[Any] = []
    feed = QueueFeed(lambda: next(clients, down), post=posted.append)  # type: ignore[arg-type,return-value]
    feed.start()
    try:
        deadline = time.monotonic() + 20
        seen: list[bool] = []
        while feed.jobs.get(1) is None or feed.jobs[1].status != "success":
            feed.flush()
            seen += [m.connected for m in posted if isinstance(m, QueueFeed.ConnectionChanged)]
            posted.clear()
            assert time.monotonic() < deadline, f"the feed never resumed: {seen}"
            time.sleep(0.02)
    finally:
        feed.stop()
    assert back.asked == [(2, EPOCH_A)]  # resumed after the last sequence number it had
    assert False in seen and feed.connected and not feed.error
    assert feed.reconnects == 1
