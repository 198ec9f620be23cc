"""The queue's durable writes: how many transactions a job costs, and what each one holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.master.config import Config
from agent.master.jobs import Job
from agent.master.lu.base import LuContext
from agent.master.queue import JobQueue
from agent.store import SqliteStore

DELAY = {"OP_ID": "OP_TEST_DELAY", "duration": 0.01, "on_master": False}


class CountingStore(SqliteStore):
    """A real store that notes the job statuses each transaction wrote."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, create=True)
        self.transactions: list[list[str]] = []

    def write_jobs(self, builders: list[Callable[[int], dict[str, Any]]],
                   updates: list[tuple[int, str, dict[str, Any]]]) -> list[int]:
        ids = super().write_jobs(builders, updates)
        self.transactions.append(["queued"] * len(builders) + [status for _, status, _ in updates])
        return ids


def run_jobs(tmp_path: Path, jobs: list[list[dict[str, Any]]]) -> tuple[CountingStore, list[Job]]:
    store = CountingStore(tmp_path / "store.db")

    async def scenario() -> list[Job]:
        config = Config(store)
        queue = JobQueue(config)

        def context(job: Job, index: int, feedback: Any) -> LuContext:
            return LuContext(config, None, None, job.id, 0, feedback, queue.submit_many,  # type: ignore[arg-type]
                             lambda cluster: None)

        queue.context_factory = context
        ids = [await queue.submit(ops) for ops in jobs]
        while queue.live:
            await asyncio.sleep(0.01)
        done = [await queue.get(job_id) for job_id in ids]
        await queue.stop()
        return [job for job in done if job is not None]

    return store, asyncio.run(scenario())


def test_a_job_alone_costs_three_transactions_submission_start_and_end(tmp_path: Path) -> None:
    store, (job,) = run_jobs(tmp_path, [[DELAY]])
    assert job.status == "success"
    # waiting is written with the running state, the last opcode's end with the job's
    assert store.transactions == [["queued"], ["running"], ["success"]]


def test_every_opcode_of_a_job_ends_durably_before_the_next_starts(tmp_path: Path) -> None:
    store, (job,) = run_jobs(tmp_path, [[DELAY, DELAY]])
    assert [str(op.status) for op in job.ops] == ["success", "success"]
    # after the first opcode: its end is on disk (the job still counts as queued there)
    assert store.transactions == [["queued"], ["running"], ["queued"], ["running"], ["success"]]
    stored = store.get_job(job.id)
    assert stored is not None and stored.data["status"] == "success"
