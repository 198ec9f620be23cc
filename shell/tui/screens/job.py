"""One job: its opcodes and a live log (the master's WatchJob stream), plus the job actions.

The actions (cancel, change priority, archive) are shared with the queue
screen: each asks first with the equivalent one-shot command, refuses in
read-only mode, runs the RPC in a thread and teaches the command afterwards.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Header, Log, Static

from agent.errors import GanetiError
from shell.cli.format import format_ts
from shell.client import ClusterClient
from shell.tui.feed import QueueFeed

if TYPE_CHECKING:
    from shell.tui.app import GanetiApp

PRIORITY_NAMES = {"low": 10, "normal": 0, "high": -10}
RETRY = 1.0


def _app(screen: Screen[Any]) -> GanetiApp:
    return screen.app  # type: ignore[return-value]


async def cancel_job(app: GanetiApp, job_id: int) -> bool:
    command = f"gnt-job cancel {job_id}"
    if not await app.confirm(f"Cancel job {job_id}?", command):
        return False
    try:
        ok, message = await asyncio.to_thread(app.client.cancel_job, job_id)
    except GanetiError as exc:
        app.notify(f"job {job_id}: {exc.message}", severity="error", markup=False)
        return False
    app.notify(message or f"job {job_id} canceled", severity="information" if ok else "warning",
               markup=False)
    app.teach(command)
    return bool(ok)


def check_priority(text: str) -> str | None:
    if text.strip() in PRIORITY_NAMES:
        return None
    return f"'{text}' is not a priority: type low, normal or high"


async def change_priority(app: GanetiApp, job_id: int, current: int | None = None) -> bool:
    if app.read_only:
        app.notify(f"read-only: gnt-job change-priority --priority PRIO {job_id}", severity="warning",
                   markup=False)
        return False
    now = next((n for n, v in PRIORITY_NAMES.items() if v == current), "normal")
    answer = await app.ask(f"New priority of job {job_id} (low, normal, high):", now, check_priority,
                           hint=f"same as: gnt-job change-priority --priority PRIO {job_id}")
    if answer is None:
        return False
    name = answer.strip()
    command = f"gnt-job change-priority --priority {name} {job_id}"
    if not await app.confirm(f"Change the priority of job {job_id} to {name}?", command):
        return False
    try:
        ok, message = await asyncio.to_thread(app.client.change_job_priority, job_id, PRIORITY_NAMES[name])
    except GanetiError as exc:
        app.notify(f"job {job_id}: {exc.message}", severity="error", markup=False)
        return False
    app.notify(message or f"job {job_id}: priority {name}", severity="information" if ok else "warning",
               markup=False)
    app.teach(command)
    return bool(ok)


async def archive_job(app: GanetiApp, job_id: int) -> bool:
    command = f"gnt-job archive {job_id}"
    if not await app.confirm(f"Archive job {job_id}?", command):
        return False
    try:
        ok = await asyncio.to_thread(app.client.archive_job, job_id)
    except GanetiError as exc:
        app.notify(f"job {job_id}: {exc.message}", severity="error", markup=False)
        return False
    if ok:
        app.notify(f"job {job_id} archived", markup=False)
        app.teach(command)
    else:
        app.notify(f"job {job_id} was not archived: only finished jobs can be", severity="warning",
                   markup=False)
    return bool(ok)


def describe(job: dict[str, Any]) -> str:
    """The job's header: status, priority, times and one line per opcode."""
    lines = [f"Job {job['id']}  status {job['status']}  priority {job['priority']}"]
    times = [f"{label} {format_ts(job[key])}" for label, key in
             (("received", "received_ts"), ("started", "start_ts"), ("ended", "end_ts")) if job.get(key)]
    if times:
        lines.append("  ".join(times))
    for index, (summary, status) in enumerate(zip(job.get("summary", []), job.get("opstatus", []), strict=False)):
        lines.append(f"  #{index} {summary}  [{status}]")
    return "\n".join(lines)


class JobScreen(Screen[None]):
    """A job's details and its log, following the job until it ends."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("c", "cancel", "Cancel job"),
        Binding("p", "priority", "Priority"),
        Binding("a", "archive", "Archive"),
    ]
    DEFAULT_CSS = """
    JobScreen #job-info { height: auto; padding: 0 1; background: $panel; }
    JobScreen Log { height: 1fr; }
    """

    def __init__(self, job_id: int) -> None:
        super().__init__()
        self.job_id = job_id
        self.job: dict[str, Any] | None = None
        self.last_serial = 0
        self.finished = False
        self.closed = False
        self._client: ClusterClient | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Job {self.job_id}", id="job-info", markup=False)
        yield Log(id="job-log", highlight=False)
        yield Static("following…", id="job-status", classes="status-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"job {self.job_id}"
        self._follow()

    @work(thread=True, exclusive=True, group="job-log")
    def _follow(self) -> None:
        """Read the job, then its log as it grows; retry from the last line when the master is gone.

        The stream has its own client, closed when the screen goes, which ends the blocking read.
        """
        app = _app(self)
        while not self.finished and not self.closed:
            try:
                self._client = app.client_factory()
                job = self._client.get_job(self.job_id)
                self._call(self._show_job, job)
                for status, lines, final in self._client.watch_job(self.job_id, self.last_serial):
                    self._call(self._add_lines, status, lines)
                    if final is not None:
                        self._call(self._show_job, final)
                        self.finished = True
                        break
                else:
                    self.finished = True
            except Exception as exc:  # the stream broke: retry while the screen is shown
                if self.closed or not isinstance(exc, GanetiError):
                    return
                self._call(self._say, f"{exc.message.splitlines()[0]} · retrying")
                time.sleep(RETRY)
            finally:
                if self._client is not None:
                    self._client.close()

    def _call(self, method: Any, *args: Any) -> None:
        """Run ``method`` on the UI thread unless the screen has gone meanwhile."""

        def guarded() -> None:
            if not self.closed:
                try:
                    method(*args)
                except NoMatches:  # being torn down
                    pass

        _app(self).call_from_thread(guarded)

    def on_unmount(self) -> None:
        self.closed = True
        if self._client is not None:
            self._client.close()

    def _show_job(self, job: dict[str, Any]) -> None:
        if self.closed:
            return
        self.job = job
        self.query_one("#job-info", Static).update(describe(job))
        if job["status"] in ("success", "error", "canceled"):
            self._say(f"finished: {job['status']}")

    def _add_lines(self, status: str, lines: list[Any]) -> None:
        if self.closed:
            return
        log = self.query_one(Log)
        for line in lines:
            if line.serial <= self.last_serial:
                continue
            self.last_serial = line.serial
            log.write_line(f"{time.strftime('%H:%M:%S', time.localtime(line.timestamp))} {line.message}")
        self._say(f"status {status}" + ("" if self.finished else " · following"))

    def _say(self, text: str) -> None:
        self.query_one("#job-status", Static).update(text)

    def on_queue_feed_changed(self, message: QueueFeed.Changed) -> None:
        if self.job_id in message.job_ids and self.job is not None:
            row = _app(self).feed.jobs.get(self.job_id)
            if row is not None and row.status != self.job.get("status"):
                self.job = {**self.job, "status": row.status, "priority": row.priority}
                self.query_one("#job-info", Static).update(describe(self.job))

    def action_cancel(self) -> None:
        self.run_worker(cancel_job(_app(self), self.job_id), group="job-action")

    def action_priority(self) -> None:
        current = self.job.get("priority") if self.job else None
        self.run_worker(change_priority(_app(self), self.job_id, current), group="job-action")

    def action_archive(self) -> None:
        self.run_worker(archive_job(_app(self), self.job_id), group="job-action")
