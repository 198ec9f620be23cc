"""TUI bench: the Queue screen's table with 100,000 jobs, against Textual's DataTable in the same run.

Headless and in-process (``App.run_test``), no master: the rows are seeded
generated jobs. Measured:

- first paint: from handing the table every row to the first rendered frame
  (VirtualTable.set_rows vs DataTable.add_rows);
- frame time: scroll to a new place and render every visible line, repeated;
- a burst of 10,000 job status changes reaching the queue view: through the
  real path (QueueFeed.flush, the Queue screen's handler, VirtualTable.apply,
  one frame), with the table sorted by id and sorted by status (rows move),
  against DataTable.update_cell for the same changes.

``.venv/bin/python bench/tui_bench.py`` prints the table and rewrites the TUI
section of ``bench/README.md``; ``--rows``/``--burst`` make it smaller.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import fmt_ratio, fmt_time, markdown_table, write_section  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.geometry import Region  # noqa: E402
from textual.widget import Widget  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from shell.client import ClusterClient  # noqa: E402
from shell.tui.app import GanetiApp  # noqa: E402
from shell.tui.feed import JobRow, QueueFeed  # noqa: E402
from shell.tui.screens.queue import COLUMNS, QueueScreen  # noqa: E402
from shell.tui.widgets.virtual_table import VirtualTable  # noqa: E402

BEGIN_MARKER = "<!-- tui:begin -->"
END_MARKER = "<!-- tui:end -->"
SIZE = (120, 40)
BURSTS = 3  # each burst figure is the median of this many bursts
STATUSES = ("queued", "waiting", "running", "success", "error", "canceled")
SUMMARIES = ("INSTANCE_MIGRATE(web{}.example.com)", "TEST_DELAY(0.5)", "NODE_EVACUATE(node{}.example.com)",
             "INSTANCE_CREATE(db{}.example.com)")


def make_jobs(count: int, seed: int = 7) -> list[JobRow]:
    rng = random.Random(seed)
    now = time.time()
    return [
        JobRow(i, rng.choice(STATUSES), rng.choice((-10, 0, 10)),
               (rng.choice(SUMMARIES).format(rng.randrange(100)),), "", now - rng.uniform(0, 86400),
               "gnt-instance migrate")
        for i in range(1, count + 1)
    ]


class _Host(App[None]):
    """One table filling the screen."""

    def __init__(self, table: Widget) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table


def _frame(widget: Widget) -> None:
    """Render every visible line of ``widget``, as a screen refresh does."""
    widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))


def _virtual() -> VirtualTable:
    return VirtualTable(COLUMNS)


def _datatable() -> DataTable[Any]:
    return DataTable(cursor_type="row")  # its columns are added with the rows, once mounted


def _fill(table: Widget, jobs: list[JobRow]) -> None:
    if isinstance(table, VirtualTable):
        table.set_rows((j.job_id, j.as_row()) for j in jobs)
    else:
        assert isinstance(table, DataTable)
        for column in COLUMNS:
            table.add_column(column.label, key=column.key)
        for j in jobs:
            row = j.as_row()
            table.add_row(*[c.cell(row) for c in COLUMNS], key=str(j.job_id))


@dataclass
class Figures:
    rows: int
    burst: int
    paint_virtual: float
    paint_datatable: float
    frame_virtual: list[float]
    frame_datatable: list[float]
    burst_by_id: float
    burst_by_status: float
    burst_datatable: float


async def first_paint_and_frames(make: Callable[[], Widget], jobs: list[JobRow], frames: int,
                                 seed: int = 3) -> tuple[float, list[float], Widget, Any]:
    """First paint time and per-frame times after jumps to random places; the app stays open."""
    table = make()
    app = _Host(table)
    context = app.run_test(size=SIZE)
    pilot = await context.__aenter__()
    await pilot.pause()
    start = time.perf_counter()
    _fill(table, jobs)
    await pilot.pause()
    _frame(table)
    paint = time.perf_counter() - start
    rng = random.Random(seed)
    times = []
    for _ in range(frames):
        y = rng.randrange(max(1, len(jobs) - SIZE[1]))
        start = time.perf_counter()
        table.scroll_to(y=y, animate=False, immediate=True)
        _frame(table)
        times.append(time.perf_counter() - start)
    return paint, times, table, context


async def datatable_burst(table: DataTable[Any], bursts: list[list[tuple[int, str]]]) -> float:
    times = []
    for changes in bursts:
        start = time.perf_counter()
        for job_id, status in changes:
            table.update_cell(str(job_id), "status", status)
        _frame(table)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class _BenchFeed(QueueFeed):
    """A feed that never connects: the bench hands it stream updates as the stream thread would."""

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def push(self, rows: Iterable[JobRow]) -> None:
        with self._lock:
            for row in rows:
                self._pending.updates[row.job_id] = row


class _QueueFirst(GanetiApp):
    DEFAULT_MODE = "queue"


async def queue_view_burst(jobs: list[JobRow], bursts: list[list[tuple[int, str]]], sort: str | None) -> float:
    """Bursts of status changes through the feed and the Queue screen to the next frame: the median."""
    factory = lambda: ClusterClient("unix:/nonexistent/master.sock")  # noqa: E731
    feed = _BenchFeed(factory)
    app = _QueueFirst(factory, feed=feed)
    async with app.run_test(size=SIZE) as pilot:
        feed.push(jobs)
        feed.flush()
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        screen.sync()
        screen.table.sort_by(sort)
        await pilot.pause()
        by_id = {j.job_id: j for j in jobs}
        warm = [JobRow(j.job_id, "running", j.priority, j.summary) for j in jobs[:50]]
        feed.push(warm)
        screen.on_queue_feed_changed(QueueFeed.Changed(feed.flush()))  # first frames are not timed
        _frame(screen.table)
        await pilot.pause()
        times = []
        for changes in bursts:
            updates = [JobRow(i, status, by_id[i].priority, by_id[i].summary) for i, status in changes]
            start = time.perf_counter()
            feed.push(updates)
            changed = feed.flush()
            screen.on_queue_feed_changed(QueueFeed.Changed(changed))
            _frame(screen.table)
            times.append(time.perf_counter() - start)
            assert all(screen.table.rows[i]["status"] == s for i, s in dict(changes).items())
            await pilot.pause()
        return statistics.median(times)


async def measure(rows: int, burst: int, frames: int) -> Figures:
    jobs = make_jobs(rows)
    rng = random.Random(11)
    bursts = [[(rng.randrange(1, rows + 1), rng.choice(STATUSES)) for _ in range(burst)]
              for _ in range(BURSTS)]
    paint_v, frames_v, _, context = await first_paint_and_frames(_virtual, jobs, frames)
    await context.__aexit__(None, None, None)
    paint_d, frames_d, table_d, context = await first_paint_and_frames(_datatable, jobs, frames)
    assert isinstance(table_d, DataTable)
    burst_d = await datatable_burst(table_d, bursts)
    await context.__aexit__(None, None, None)
    return Figures(
        rows, burst, paint_v, paint_d, frames_v, frames_d,
        await queue_view_burst(jobs, bursts, None),
        await queue_view_burst(jobs, bursts, "status"),
        burst_d,
    )


def report(f: Figures) -> str:
    def med(samples: list[float]) -> float:
        return statistics.median(samples)

    rows = [
        [f"first paint, {f.rows:,} jobs", fmt_time(f.paint_virtual), fmt_time(f.paint_datatable),
         fmt_ratio(f.paint_datatable / f.paint_virtual)],
        [f"frame after a jump, {f.rows:,} jobs (median of {len(f.frame_virtual)})",
         fmt_time(med(f.frame_virtual)), fmt_time(med(f.frame_datatable)),
         fmt_ratio(med(f.frame_datatable) / med(f.frame_virtual))],
        [f"frame after a jump, worst of {len(f.frame_virtual)}", fmt_time(max(f.frame_virtual)),
         fmt_time(max(f.frame_datatable)), fmt_ratio(max(f.frame_datatable) / max(f.frame_virtual))],
        [f"{f.burst:,} status changes → queue view, sorted by id (median of {BURSTS})", fmt_time(f.burst_by_id),
         fmt_time(f.burst_datatable), fmt_ratio(f.burst_datatable / f.burst_by_id)],
        [f"{f.burst:,} status changes → queue view, sorted by status (rows move)",
         fmt_time(f.burst_by_status), fmt_time(f.burst_datatable),
         fmt_ratio(f.burst_datatable / f.burst_by_status)],
    ]
    table = markdown_table(["measure", "VirtualTable (queue view)", "DataTable (reference)", "ratio"], rows)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    return (
        f"{BEGIN_MARKER}\n## TUI: the queue view\n\n"
        f"`bench/tui_bench.py`, {stamp}, Python {platform.python_version()}, headless "
        f"{SIZE[0]}×{SIZE[1]} terminal, seeded jobs, no master. The reference is Textual's "
        "DataTable holding the same rows in the same run (it is not sorted during the burst: "
        "it only rewrites cells in place). The burst goes through the real path: QueueFeed.flush, "
        "the Queue screen's handler, VirtualTable.apply, one frame.\n\n"
        f"{table}\n{END_MARKER}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="jobs in the queue (default 100000)")
    parser.add_argument("--burst", type=int, default=10_000, help="status changes in the burst")
    parser.add_argument("--frames", type=int, default=30, help="frames measured per table")
    parser.add_argument("--no-readme", action="store_true", help="print only; leave bench/README.md")
    args = parser.parse_args(argv)
    if args.rows < SIZE[1] or args.burst < 1 or args.frames < 1:
        parser.error(f"--rows must be at least {SIZE[1]}, --burst and --frames at least 1")
    figures = asyncio.run(measure(args.rows, args.burst, args.frames))
    section = report(figures)
    print(section)
    if not args.no_readme:
        write_section(section, BEGIN_MARKER, END_MARKER)
    return 0


if __name__ == "__main__":
    sys.exit(main())
