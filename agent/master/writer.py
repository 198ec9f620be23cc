"""Group commit of the job queue: many submissions and updates share one durable transaction.

Callers wait for their write like for a single commit; while one transaction
is on its way to disk, the next requests gather, and all of them go in the
following one. Nothing is acknowledged before the transaction holding it has
committed, and a failed transaction fails every request in it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from agent.master.config import Config
from agent.master.jobs import Job

log = logging.getLogger(__name__)

Builder = Callable[[int], dict[str, Any]]


class JobWriter:
    def __init__(self, config: Config) -> None:
        self.config = config
        self._adds: list[tuple[list[Builder], asyncio.Future[list[int]]]] = []
        self._updates: dict[int, tuple[str, dict[str, Any]]] = {}
        self._update_waiters: list[asyncio.Future[None]] = []
        self._flusher: asyncio.Task[None] | None = None

    def _kick(self) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_loop(), name="job-writer")

    async def add(self, builders: list[Builder]) -> list[int]:
        """Store new jobs; return their ids once they are committed."""
        future: asyncio.Future[list[int]] = asyncio.get_running_loop().create_future()
        self._adds.append((builders, future))
        self._kick()
        return await future

    def update_soon(self, job: Job) -> asyncio.Future[None]:
        """Queue a rewrite of the job (the newest state wins); the future resolves when committed."""
        data = job.to_dict()
        self._updates[job.id] = (data["status"], data)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # Fire-and-forget callers never look at the outcome; the failure is logged by the flusher.
        future.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._update_waiters.append(future)
        self._kick()
        return future

    def update_later(self, job: Job) -> None:
        """Rewrite the job with the next transaction, whenever that is; nobody waits for it.

        For states whose loss in a crash is harmless (the next durable state
        supersedes them), so they cost no commit of their own.
        """
        data = job.to_dict()
        self._updates[job.id] = (data["status"], data)

    async def update(self, job: Job) -> None:
        await self.update_soon(job)

    async def _flush_loop(self) -> None:
        while self._adds or self._updates:
            adds, self._adds = self._adds, []
            updates, self._updates = self._updates, {}
            waiters, self._update_waiters = self._update_waiters, []
            builders = [b for batch, _ in adds for b in batch]
            rows = [(job_id, status, data) for job_id, (status, data) in updates.items()]
            try:
                ids = await self.config.run(self.config.store.write_jobs, builders, rows)
            except Exception as exc:  # every waiter of this transaction learns it failed
                log.error("job queue write failed: %s", exc)
                for _, future in adds:
                    if not future.done():
                        future.set_exception(exc)
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_exception(exc)
                continue
            offset = 0
            for batch, future in adds:
                if not future.done():
                    future.set_result(ids[offset:offset + len(batch)])
                offset += len(batch)
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    async def drain(self) -> None:
        """Wait until everything queued so far is committed."""
        while self._flusher is not None and not self._flusher.done():
            await asyncio.shield(self._flusher)
