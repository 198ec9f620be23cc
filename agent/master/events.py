"""The queue's change feed: every job status change gets a sequence number.

Watchers resume from the last number they saw, so a client that reconnects
misses nothing; a client too far behind (or from before a master restart,
told apart by the epoch) is told to resynchronise from a snapshot. Changes are
kept in a bounded ring, so following a queue of 100,000 jobs costs memory for
the recent changes only.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

DEFAULT_HISTORY = 200_000


@dataclass(frozen=True)
class QueueEvent:
    seq: int
    job_id: int
    status: str
    priority: int
    summary: tuple[str, ...]
    # Set when the job is no longer in the live queue (archived).
    removed: bool = False
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "job_id": self.job_id, "status": self.status,
            "priority": self.priority, "summary": list(self.summary), "removed": self.removed,
            "reason": self.reason,
        }


class ResyncNeeded(Exception):
    """The watcher's position is no longer in the history (or from another epoch)."""


class QueueEvents:
    def __init__(self, history: int = DEFAULT_HISTORY) -> None:
        self.epoch = uuid.uuid4().hex
        self._events: deque[QueueEvent] = deque(maxlen=history)
        self._seq = 0
        self._changed = asyncio.Event()

    @property
    def last_seq(self) -> int:
        return self._seq

    def publish(self, job_id: int, status: str, priority: int, summary: tuple[str, ...],
                removed: bool = False, reason: str = "") -> QueueEvent:
        self._seq += 1
        event = QueueEvent(self._seq, job_id, status, priority, summary, removed, reason)
        self._events.append(event)
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()
        return event

    def since(self, seq: int, epoch: str | None = None) -> list[QueueEvent]:
        """Events after ``seq``; raises ResyncNeeded when they are no longer all known."""
        if epoch is not None and epoch != self.epoch:
            raise ResyncNeeded
        if seq >= self._seq:
            return []
        oldest = self._events[0].seq if self._events else self._seq + 1
        if seq + 1 < oldest:
            raise ResyncNeeded
        start = seq + 1 - oldest
        return [self._events[i] for i in range(start, len(self._events))]

    async def follow(self, seq: int, epoch: str | None = None) -> AsyncIterator[list[QueueEvent]]:
        """Yield batches of events after ``seq`` as they happen, forever."""
        while True:
            waiter = self._changed
            batch = self.since(seq, epoch)
            epoch = None
            if batch:
                seq = batch[-1].seq
                yield batch
                continue
            await waiter.wait()
