"""How the Queue screen looks (SVG snapshots): a fixed queue, fixed clock, both themes.

The feed here holds hand-written jobs and never connects, so every run draws
the same screen; ``pytest --snapshot-update`` accepts a deliberate change.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from shell.client import ClusterClient
from shell.tui.app import GanetiApp
from shell.tui.feed import JobRow, QueueFeed
from shell.tui.screens import queue

NOW = 1_800_000_000.0
SIZE = (120, 30)
JOBS = [
    (101, "running", 0, ("INSTANCE_MIGRATE(web1.example.com)",), "", 95, "gnt-instance migrate"),
    (102, "waiting", 0, ("INSTANCE_REBOOT(web2.example.com)",), "", 80, "gnt-instance reboot"),
    (103, "queued", -10, ("NODE_EVACUATE(node3.example.com)",), "ticket 4711", 62, ""),
    (104, "queued", 10, ("TEST_DELAY(30.0)",), "", 40, "gnt-debug delay"),
    (105, "success", 0, ("INSTANCE_CREATE(db1.example.com)",), "", 3700, "gnt-instance add"),
    (106, "error", 0, ("INSTANCE_STARTUP(db2.example.com)",), "", 1900, "gnt-instance startup"),
    (107, "canceled", 0, ("CLUSTER_VERIFY",), "", 200000, "gnt-cluster verify"),
    (108, "queued", 0, ("INSTANCE_SHUTDOWN(batch1.example.com)", "INSTANCE_REMOVE(batch1.example.com)"),
     "retire batch1", 5, ""),
]


class StaticFeed(QueueFeed):
    """A feed of hand-written jobs that never talks to a master."""

    def start(self) -> None:
        with self._lock:  # as the stream thread would: the app's next flush shows them
            for job_id, status, priority, summary, reason, age, submitter in JOBS:
                self._pending.updates[job_id] = JobRow(job_id, status, priority, summary, reason,
                                                       NOW - age, submitter)
        self._set_connected(True, "")

    def stop(self) -> None:
        pass


class QueueFirst(GanetiApp):
    DEFAULT_MODE = "queue"


def make_app(theme: str = "dark", read_only: bool = False) -> GanetiApp:
    factory = lambda: ClusterClient("unix:/var/lib/ganeti-shell/master.sock")  # noqa: E731
    return QueueFirst(factory, read_only=read_only, theme=theme, feed=StaticFeed(factory))


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue, "time", SimpleNamespace(time=lambda: NOW))


def test_queue_screen_dark(snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, press=["_"])


def test_queue_screen_light_read_only_sorted_by_priority(snap_compare: Any) -> None:
    assert snap_compare(make_app("light", read_only=True), terminal_size=SIZE, press=["s", "s", "_"])


def test_queue_screen_filtered_to_unfinished_jobs(snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE,
                        press=["slash", *'status == "running" or priority < 0', "enter", "_"])


def test_queue_screen_filter_error_points_at_the_position(snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, press=["slash", *"status ==", "enter", "_"])
