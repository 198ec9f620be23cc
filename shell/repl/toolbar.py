"""The bottom toolbar: master address, job queue and node health, polled in the background.

A daemon thread asks the master every few seconds; the toolbar only reads the
last answer, so drawing it never waits on the network.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from prompt_toolkit.formatted_text import StyleAndTextTuples

from shell.repl.live import ClusterSource

POLL_INTERVAL = 5.0
RUNNING = ("running", "canceling")
QUEUED = ("queued", "waiting")


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
    """Keeps ``status`` fresh from a background thread; ``on_change`` redraws the toolbar."""

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

    def refresh(self) -> ClusterStatus:
        """Poll once now (the thread calls this; tests may too)."""
        try:
            status = read_status(self._source())
        except Exception:  # whatever went wrong, the toolbar says "unreachable"
            status = ClusterStatus(reachable=False)
        if status != self.status:
            self.status = status
            if self.on_change is not None:
                self.on_change()
        return status

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="repl-toolbar", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.refresh()
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
