"""The bottom toolbar: master address, job queue and node health, kept fresh in the background.

Job counts follow the master's queue stream (``watch_queue``), so they change
the moment a job does; node health has no stream and is asked for every few
seconds. Daemon threads do the talking; the toolbar only reads the last
answer, so drawing it never waits on the network.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from prompt_toolkit.formatted_text import StyleAndTextTuples

from shell.repl.live import ClusterSource

POLL_INTERVAL = 5.0
RUNNING = ("running", "canceling")
QUEUED = ("queued", "waiting")
FINAL = ("success", "error", "canceled")


class QueueCounts:
    """Live jobs by status, kept from queue updates (a snapshot, then every change)."""

    def __init__(self) -> None:
        self.seq = 0
        self.epoch = ""
        self._status: dict[int, str] = {}
        self._counts: Counter[str] = Counter()
        self._in_snapshot = False

    def apply(self, updates: Iterable[Any]) -> None:
        for update in updates:
            if update.snapshot and not self._in_snapshot:
                self._status.clear()
                self._counts.clear()
            self._in_snapshot = update.snapshot and not update.snapshot_end
            self.seq, self.epoch = update.seq, update.epoch
            if not update.job_id:
                continue  # the end marker of an empty snapshot
            old = self._status.pop(update.job_id, None)
            if old is not None:
                self._counts[old] -= 1
            if not update.removed and update.status not in FINAL:
                self._status[update.job_id] = update.status
                self._counts[update.status] += 1

    @property
    def in_snapshot(self) -> bool:
        return self._in_snapshot

    @property
    def running(self) -> int:
        return sum(self._counts[s] for s in RUNNING)

    @property
    def queued(self) -> int:
        return sum(self._counts[s] for s in QUEUED)


@dataclass(frozen=True)
class ClusterStatus:
    """What the toolbar shows; ``reachable`` is None before the first answer."""

    reachable: bool | None = None
    running: int = 0
    queued: int = 0
    nodes: int = 0
    answering: int = 0


def _answers(node: dict[str, object]) -> bool:
    live = node.get("live")
    return isinstance(live, dict) and bool(live) and "error" not in live and "offline" not in live


def read_status(source: ClusterSource) -> ClusterStatus:
    """Ask the master once: jobs by state, nodes and how many of them answer it."""
    jobs, _ = source.get_jobs()
    nodes = source.query("node", live=True)
    return ClusterStatus(
        reachable=True,
        running=sum(1 for j in jobs if j.get("status") in RUNNING),
        queued=sum(1 for j in jobs if j.get("status") in QUEUED),
        nodes=len(nodes),
        answering=sum(1 for n in nodes if _answers(n)),
    )


class StatusPoller:
    """Keeps ``status`` fresh from background threads; ``on_change`` redraws the toolbar.

    While the queue stream is followed, job counts come from it and the poll asks
    for nodes only; without it (a source that cannot stream, or the stream broke)
    the poll counts jobs too.
    """

    def __init__(
        self,
        source: Callable[[], ClusterSource],
        interval: float = POLL_INTERVAL,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.status = ClusterStatus()
        self.on_change = on_change
        self._source = source
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._follower: threading.Thread | None = None
        self.queue = QueueCounts()
        self.following = False  # the queue stream is up and its snapshot is in
        self._lock = threading.Lock()

    def refresh(self) -> ClusterStatus:
        """Poll once now (the thread calls this; tests may too)."""
        try:
            source = self._source()
            if self.following:
                nodes = source.query("node", live=True)
                status = self._with_queue(ClusterStatus(
                    reachable=True, nodes=len(nodes), answering=sum(1 for n in nodes if _answers(n)),
                ))
            else:
                status = read_status(source)
        except Exception:  # whatever went wrong, the toolbar says "unreachable"
            status = ClusterStatus(reachable=False)
        self._show(status)
        return status

    def follow(self, updates: Iterable[list[Any]]) -> None:
        """Keep the job counts from a queue stream's batches until it ends (the thread calls this)."""
        for batch in updates:
            self.queue.apply(batch)
            if self.queue.in_snapshot:
                continue
            self.following = True
            if self.status.reachable:
                self._show(self._with_queue(self.status))
            if self._stop.is_set():
                return

    def _with_queue(self, status: ClusterStatus) -> ClusterStatus:
        return ClusterStatus(True, self.queue.running, self.queue.queued, status.nodes, status.answering)

    def _show(self, status: ClusterStatus) -> None:
        with self._lock:
            if status == self.status:
                return
            self.status = status
        if self.on_change is not None:
            self.on_change()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="repl-toolbar", daemon=True)
        self._thread.start()
        self._follower = threading.Thread(target=self._follow, name="repl-toolbar-queue", daemon=True)
        self._follower.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.refresh()
            self._stop.wait(self._interval)

    def _follow(self) -> None:
        """Follow the queue stream, resuming where it broke off; poll-only for sources that cannot stream."""
        while not self._stop.is_set():
            try:
                source = self._source()
                watch = getattr(source, "watch_queue_batches", None)
                if watch is None:
                    return
                self.follow(watch(self.queue.seq, self.queue.epoch))
            except Exception:  # the poll reports the master unreachable; try again later
                pass
            self.following = False
            self._stop.wait(self._interval)


def render(address: str, status: ClusterStatus) -> StyleAndTextTuples:
    """The toolbar's text for one status."""
    parts: StyleAndTextTuples = [("class:bottom-toolbar.text", f" master {address} ")]
    if status.reachable is None:
        return parts + [("", "│ connecting… ")]
    if not status.reachable:
        return parts + [("class:bottom-toolbar.error bold", "│ master unreachable ")]
    down = status.nodes - status.answering
    parts.append(("", f"│ jobs: {status.running} running, {status.queued} queued "))
    nodes = f"│ nodes: {status.answering}/{status.nodes} answering "
    parts.append(("bold" if down else "", nodes))
    parts.append(("", "│ help · Ctrl-R search · Ctrl-D exit "))
    return parts
