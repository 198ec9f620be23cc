"""The live job queue as the TUI sees it: the master's WatchQueue stream, followed in a thread.

``QueueFeed`` keeps ``jobs`` (job id → JobRow) in step with the master. A thread
reads the stream and buffers the changes; ``flush()``, called on the UI thread
(the app runs it about 20 times a second), applies them to ``jobs`` and posts
one ``QueueFeed.Changed`` with the ids that changed. When the stream breaks the
feed reports itself disconnected, reconnects with a fresh client and resumes
after the last sequence number of the same epoch; after a master restart (a new
epoch) the master sends a snapshot of the unfinished jobs, and the fate of the
unfinished jobs it lacks is fetched with GetJobs. ``jobs`` holds the unfinished
jobs and those that finished while the feed was watching, until archived.

``history`` holds one ``HistoryPoint`` per second for the last ten minutes:
queue depth (jobs not finished) and jobs finished in that second.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from agent.errors import GanetiError
from shell.client import ClusterClient

FINISHED = frozenset({"success", "error", "canceled"})
PENDING = frozenset({"queued", "waiting"})
HISTORY_SECONDS = 600
RETRY_MIN, RETRY_MAX = 0.2, 3.0
DETAIL_BATCH = 200


@dataclass
class JobRow:
    """One job of the live queue, as the stream and (for details) GetJobs describe it."""

    job_id: int
    status: str
    priority: int
    summary: tuple[str, ...]
    reason: str = ""
    received: float | None = None  # seconds since the epoch; None until known
    submitter: str = ""  # the client that submitted it (``gnt-instance add``), once known

    def as_row(self) -> dict[str, Any]:
        """The row shown in tables, with the job query fields the ``/`` filter knows."""
        return {
            "id": self.job_id, "status": self.status, "priority": self.priority,
            "summary": list(self.summary), "reason": self.reason,
            "received_ts": self.received, "submitter": self.submitter,
            "who": self.reason or self.submitter,
        }


@dataclass(frozen=True)
class HistoryPoint:
    second: int
    depth: int
    finished: int


@dataclass
class _Pending:
    updates: dict[int, JobRow | None] = field(default_factory=dict)  # None: removed
    details: dict[int, tuple[float | None, str]] = field(default_factory=dict)
    reset: set[int] | None = None  # a snapshot ended: the ids it listed
    connected: bool | None = None
    error: str = ""


def submitter_of(job: dict[str, Any]) -> str:
    """``gnt-instance add`` from the reason trail of the job's first opcode."""
    for op in job.get("ops") or []:
        for entry in op.get("reason") or []:
            if isinstance(entry, list) and len(entry) >= 2 and str(entry[0]).startswith("gnt:client:"):
                return f"{str(entry[0]).removeprefix('gnt:client:')} {entry[1]}".strip()
        break
    return ""


def received_of(job: dict[str, Any]) -> float | None:
    ts = job.get("received_ts")
    if isinstance(ts, (list, tuple)) and len(ts) == 2:
        return float(ts[0]) + float(ts[1]) / 1e6
    return float(ts) if isinstance(ts, (int, float)) else None


class QueueFeed:
    """Follows the master's job queue; see the module docstring."""

    class Changed(Message, bubble=False):
        """Jobs changed (added, updated or removed): look them up in ``feed.jobs``."""

        def __init__(self, job_ids: frozenset[int]) -> None:
            super().__init__()
            self.job_ids = job_ids

    class ConnectionChanged(Message, bubble=False):
        """The stream to the master was lost (``error`` says why) or is back."""

        def __init__(self, connected: bool, error: str = "") -> None:
            super().__init__()
            self.connected = connected
            self.error = error

    def __init__(self, client_factory: Callable[[], ClusterClient],
                 post: Callable[[Message], Any] | None = None) -> None:
        self.client_factory = client_factory
        self.post = post or (lambda message: None)
        self.jobs: dict[int, JobRow] = {}
        self.connected = False
        self.error = ""
        self.seq = 0
        self.epoch = ""
        self.reconnects = 0
        self._was_connected = False
        self.history: deque[HistoryPoint] = deque(maxlen=HISTORY_SECONDS)
        self.status_counts: Counter[str] = Counter()
        self._finished_this_second = 0
        self._second: int | None = None  # the second being counted
        self._lock = threading.Lock()
        self._pending = _Pending()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client: ClusterClient | None = None
        self._detail_queue: deque[int] = deque()
        self._refresh_queue: deque[int] = deque()
        self._detail_wanted: set[int] = set()
        self._detail_event = threading.Event()
        self._detail_thread: threading.Thread | None = None

    # -- life cycle ----------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="queue-feed", daemon=True)
        self._thread.start()
        self._detail_thread = threading.Thread(target=self._run_details, name="queue-details", daemon=True)
        self._detail_thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._detail_event.set()
        client = self._client
        if client is not None:
            client.close()  # ends the blocking stream read
        for thread in (self._thread, self._detail_thread):
            if thread is not None:
                thread.join(timeout=5)

    # -- the stream thread ---------------------------------------------------------

    def _run(self) -> None:
        delay = RETRY_MIN
        while not self._stop.is_set():
            try:
                self._client = self.client_factory()
                self._client.cluster_info()  # proves the master answers before we say so
                if self._was_connected:
                    self.reconnects += 1
                self._was_connected = True
                self._set_connected(True, "")
                delay = RETRY_MIN
                self._follow(self._client)
                raise GanetiError("the master closed the queue stream")
            except Exception as exc:  # any failure: say so, wait, reconnect
                if self._stop.is_set():
                    break
                message = str(getattr(exc, "message", "") or exc).splitlines()[0] if str(exc) else type(exc).__name__
                self._set_connected(False, message)
            finally:
                if self._client is not None:
                    self._client.close()
                    self._client = None
            self._stop.wait(delay)
            delay = min(RETRY_MAX, delay * 2)

    def _follow(self, client: ClusterClient) -> None:
        snapshot: set[int] | None = None
        for update in client.watch_queue(self.seq, self.epoch):
            if self._stop.is_set():
                return
            with self._lock:
                pending = self._pending
                if update.snapshot and snapshot is None:
                    snapshot = set()
                if update.job_id:
                    if update.removed:
                        pending.updates[update.job_id] = None
                    else:
                        fresh = not update.snapshot and update.status == "queued"
                        pending.updates[update.job_id] = JobRow(
                            update.job_id, update.status, update.priority, tuple(update.summary),
                            update.reason, received=time.time() if fresh else None,
                        )
                    if snapshot is not None:
                        snapshot.add(update.job_id)
                if update.snapshot_end and snapshot is not None:
                    pending.reset = snapshot
                    snapshot = None
                self.seq, self.epoch = update.seq, update.epoch

    def _set_connected(self, connected: bool, error: str) -> None:
        with self._lock:
            self._pending.connected = connected
            self._pending.error = error

    # -- details (submitter, received time) ------------------------------------------

    def want_details(self, job_ids: Iterable[int]) -> None:
        """Fetch the received time and submitter of these jobs (rows on screen) in the background."""
        added = False
        for job_id in job_ids:
            row = self.jobs.get(job_id)
            if row is not None and row.received is None and job_id not in self._detail_wanted:
                self._detail_wanted.add(job_id)
                self._detail_queue.append(job_id)
                added = True
        if added:
            self._detail_event.set()

    def _run_details(self) -> None:
        while not self._stop.is_set():
            self._detail_event.wait()
            self._detail_event.clear()
            if self._refresh_queue:
                self._refresh()
            while self._detail_queue and not self._stop.is_set():
                batch = [self._detail_queue.popleft()
                         for _ in range(min(DETAIL_BATCH, len(self._detail_queue)))]
                try:
                    with self.client_factory() as client:
                        jobs, _ = client.get_jobs(batch)
                except GanetiError:
                    self._detail_wanted.difference_update(batch)  # asked again when seen again
                    break
                with self._lock:
                    for job in jobs:
                        self._pending.details[int(job["id"])] = (received_of(job), submitter_of(job))

    def _refresh(self) -> None:
        """Ask the master about jobs that left the live queue while the stream was down."""
        ids = [self._refresh_queue.popleft() for _ in range(len(self._refresh_queue))]
        try:
            with self.client_factory() as client:
                jobs, _ = client.get_jobs(ids)
        except GanetiError:
            self._refresh_queue.extend(ids)  # tried again with the next batch of work
            return
        found = {int(j["id"]): j for j in jobs}
        with self._lock:
            for job_id in ids:
                job = found.get(job_id)
                if job is None or job.get("archived"):
                    self._pending.updates[job_id] = None
                else:
                    self._pending.updates[job_id] = JobRow(
                        job_id, str(job["status"]), int(job["priority"]), tuple(job.get("summary") or ()),
                        received=received_of(job), submitter=submitter_of(job))

    # -- the UI thread -------------------------------------------------------------------

    def flush(self, now: float | None = None) -> frozenset[int]:
        """Apply buffered changes to ``jobs``; post Changed/ConnectionChanged; return the changed ids."""
        with self._lock:
            pending, self._pending = self._pending, _Pending()
        now = time.time() if now is None else now
        self._tick(now)  # close the seconds that ended before these changes
        changed: set[int] = set()
        if pending.reset is not None:
            # Jobs the new snapshot lacks have finished or gone while we were away: finished
            # ones stay; for the others the details thread asks the master what became of them.
            gone = [j for j, row in self.jobs.items()
                    if j not in pending.reset and j not in pending.updates and row.status not in FINISHED]
            if gone:
                self._refresh_queue.extend(gone)
                self._detail_event.set()
        for job_id, row in pending.updates.items():
            changed.add(job_id)
            if row is None:
                self._drop(job_id)
                continue
            old = self.jobs.get(job_id)
            if old is not None:
                self.status_counts[old.status] -= 1
                row.received = old.received if old.received is not None else row.received
                row.submitter = row.submitter or old.submitter
                row.reason = row.reason or old.reason
            # A job may be born and finish within one flush: it counts as finished too.
            if row.status in FINISHED and (old is None or old.status not in FINISHED):
                self._finished_this_second += 1
            self.status_counts[row.status] += 1
            self.jobs[job_id] = row
        for job_id, (received, submitter) in pending.details.items():
            row_ = self.jobs.get(job_id)
            if row_ is not None:
                row_.received = received if received is not None else row_.received
                row_.submitter = submitter
                changed.add(job_id)
        if pending.connected is not None and (pending.connected != self.connected or pending.error != self.error):
            self.connected, self.error = pending.connected, pending.error
            self.post(self.ConnectionChanged(self.connected, self.error))
        if changed:
            self.post(self.Changed(frozenset(changed)))
        return frozenset(changed)

    def _drop(self, job_id: int) -> None:
        old = self.jobs.pop(job_id, None)
        if old is not None:
            self.status_counts[old.status] -= 1
        self._detail_wanted.discard(job_id)

    def _tick(self, now: float) -> None:
        second = int(now)
        if self._second is None:
            self._second = second
        while self._second < second:
            self.history.append(HistoryPoint(self._second, self.depth, self._finished_this_second))
            self._finished_this_second = 0
            self._second += 1
            if second - self._second > HISTORY_SECONDS:
                self._second = second - HISTORY_SECONDS

    @property
    def depth(self) -> int:
        """Jobs in the queue that have not finished."""
        return sum(n for status, n in self.status_counts.items() if status not in FINISHED)
