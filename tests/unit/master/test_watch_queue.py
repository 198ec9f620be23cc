"""WatchQueue's messages: a snapshot in chunks of many jobs, bursts of changes together."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from agent.master.config import Config
from agent.master.jobs import Job, QueuedOpCode
from agent.master.queue import JobQueue
from agent.master.service import UPDATES_PER_MESSAGE, ClusterService
from agent.store import SqliteStore
from protos import cluster_pb2


class FakeContext:
    def auth_context(self) -> dict[str, Any]:
        return {}


class FakeMaster:
    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue


def delay_job(job_id: int) -> Job:
    op = {"OP_ID": "OP_TEST_DELAY", "duration": 0.5, "reason": [["gnt:user", "nightly", 1]]}
    return Job(job_id, [QueuedOpCode(op)])


def queue_with(tmp_path: Path, count: int) -> JobQueue:
    queue = JobQueue(Config(SqliteStore(tmp_path / "store.db", create=True)), max_running=0)
    for job_id in range(1, count + 1):
        queue.live[job_id] = queue.queued[job_id] = delay_job(job_id)
    return queue


async def take(stream: Any, count: int) -> list[cluster_pb2.QueueUpdates]:
    return [await anext(stream) for _ in range(count)]


def test_a_snapshot_comes_in_chunks_and_only_its_last_update_ends_it(tmp_path: Path) -> None:
    count = 2 * UPDATES_PER_MESSAGE + 5

    async def scenario() -> list[cluster_pb2.QueueUpdates]:
        service = ClusterService(FakeMaster(queue_with(tmp_path, count)))  # type: ignore[arg-type]
        stream = service.WatchQueue(cluster_pb2.WatchQueueRequest(), FakeContext())  # type: ignore[arg-type]
        messages = await take(stream, 3)
        await stream.aclose()
        return messages

    messages = asyncio.run(scenario())
    assert [len(m.updates) for m in messages] == [UPDATES_PER_MESSAGE, UPDATES_PER_MESSAGE, 5]
    updates = [u for m in messages for u in m.updates]
    assert [u.job_id for u in updates] == list(range(1, count + 1))
    assert all(u.snapshot and u.status == "queued" for u in updates)
    assert [u.snapshot_end for u in updates].count(True) == 1 and updates[-1].snapshot_end
    assert list(updates[0].summary) == ["TEST_DELAY(0.5)"]


def test_an_empty_queue_snapshot_is_one_update_that_ends_it(tmp_path: Path) -> None:
    async def scenario() -> list[cluster_pb2.QueueUpdates]:
        service = ClusterService(FakeMaster(queue_with(tmp_path, 0)))  # type: ignore[arg-type]
        stream = service.WatchQueue(cluster_pb2.WatchQueueRequest(), FakeContext())  # type: ignore[arg-type]
        messages = await take(stream, 1)
        await stream.aclose()
        return messages

    (message,) = asyncio.run(scenario())
    assert len(message.updates) == 1
    assert message.updates[0].snapshot_end and message.updates[0].job_id == 0


def test_a_burst_of_changes_after_the_snapshot_shares_one_message(tmp_path: Path) -> None:
    async def scenario() -> list[cluster_pb2.QueueUpdates]:
        queue = queue_with(tmp_path, 3)
        service = ClusterService(FakeMaster(queue))  # type: ignore[arg-type]
        stream = service.WatchQueue(cluster_pb2.WatchQueueRequest(), FakeContext())  # type: ignore[arg-type]
        (snapshot,) = await take(stream, 1)
        for job in list(queue.queued.values()):
            job.ops[0].priority = 5
            queue.changed(job)
        (burst,) = await take(stream, 1)
        await stream.aclose()
        return [snapshot, burst]

    snapshot, burst = asyncio.run(scenario())
    assert [u.job_id for u in burst.updates] == [1, 2, 3]
    assert [u.priority for u in burst.updates] == [5, 5, 5]
    assert not any(u.snapshot for u in burst.updates)
    assert [u.seq for u in burst.updates] == [snapshot.updates[0].seq + i for i in (1, 2, 3)]
    assert all(u.reason == "nightly" for u in burst.updates)
