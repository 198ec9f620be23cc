"""The Queue screen: every live job from the queue feed, and why a waiting job waits.

A VirtualTable keyed by job id shows id, status (in colour), priority, the
opcode summary, the submitter or the operator's reason, and age. ``/`` filters
with the query language of ``gnt-job list -F`` (parse errors show their
position), ``s``/``r`` choose and reverse the sort, Enter opens the job with
its live log, and ``c``/``p``/``a`` cancel, re-prioritise and archive the job
under the cursor (confirmed, refused in read-only mode, each teaching its
``gnt-job`` command). Below the table, for a queued or waiting job: the lock
it wants and the job holding it, or the filter rule that holds it back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from agent import qlang
from agent.errors import GanetiError
from shell.cli import fields
from shell.client import ClusterClient
from shell.tui.feed import FINISHED, QueueFeed
from shell.tui.screens.job import JobScreen, archive_job, cancel_job, change_priority
from shell.tui.widgets.virtual_table import Column, VirtualTable

if TYPE_CHECKING:
    from shell.tui.app import GanetiApp

STATUS_STYLE = {
    "queued": "cyan", "waiting": "yellow", "canceling": "magenta", "running": "bold blue",
    "success": "green", "error": "bold red", "canceled": "dim",
}
SORTS = ("id", "status", "priority", "summary", "who", "received_ts")
_FILTER_FIELDS = {"id", "status", "priority", "summary", "received_ts"}


def _status(value: Any, row: Mapping[str, Any]) -> Text:
    return Text(str(value), style=STATUS_STYLE.get(str(value), ""))


def _summary(value: Any, row: Mapping[str, Any]) -> str:
    return ",".join(value or ())


def format_age(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d{seconds % 86400 // 3600:02d}h"


def _age(value: Any, row: Mapping[str, Any]) -> str:
    return "…" if value is None else format_age(time.time() - float(value))


COLUMNS = [
    Column("id", "ID", width=7),
    Column("status", "Status", width=9, render=_status),
    Column("priority", "Prio", width=6),
    Column("summary", "Summary", render=_summary),
    Column("who", "Submitter/reason"),
    Column("received_ts", "Age", width=7, render=_age),
]


def compile_filter(text: str) -> Callable[[Mapping[str, Any]], bool] | None:
    """The ``/`` filter as a row predicate (None: no filter); raises GanetiError with the reason."""
    if not text.strip():
        return None
    compiled = fields.query_filter("job", [text], force=True)

    def matches(row: Mapping[str, Any]) -> bool:
        def get(name: str) -> Any:
            value = row.get(name) if name in _FILTER_FIELDS else None
            return qlang.UNAVAILABLE if value is None else value

        return bool(compiled.matches(get))

    return matches


def filter_error(exc: GanetiError) -> str:
    """A filter error for the line under the input: a caret at the position, then the reason."""
    if isinstance(exc, qlang.QueryFilterParseError):
        return " " * exc.position + "^ " + exc.located_reason
    return exc.message.splitlines()[0]


def _uuid_names(client: ClusterClient) -> dict[str, str]:
    """Node and instance names by uuid: locks are named by uuid."""
    return {o["uuid"]: o["name"] for kind in ("node", "instance") for o in client.query(kind) if o.get("uuid")}


def explain_wait(client: ClusterClient, job_id: int, status: str) -> str:
    """Why a queued or waiting job does not run: the lock and its holder, or the filter rule."""
    if status == "waiting":
        wanted = []
        names = _uuid_names(client)
        for lock in client.query_locks():
            for entry in lock["pending"]:
                mode, _, owner = entry.partition(":")
                if owner == str(job_id):
                    holders = ", ".join(f"job {o}" for o in lock["owner"]) or "nobody (granting)"
                    level, _, uuid = lock["name"].partition("/")
                    name = f"{level}/{names[uuid]}" if uuid in names else lock["name"]
                    wanted.append(f"wants lock {name} ({mode}), held by {holders}")
        return "; ".join(wanted) or "waiting for its locks"
    if status != "queued":
        return ""
    # A CONTINUE rule never applies, so the dry run reports the rule that applies now.
    matches, _ = client.filter_dry_run(None, 0, [["jobid", ["==", "id", job_id]]], "CONTINUE")
    applying = next((m.get("applying_rule") for m in matches if m.get("job_id") == job_id), None)
    if not applying:
        return "queued: no filter rule holds it; it runs when the scheduler has a free slot"
    rule = next((r for r in client.query_filters([applying])), None)
    if rule is None:
        return f"held by filter rule {applying}"
    action = rule["action"]
    kind = action if isinstance(action, str) else action[0]
    what = {"PAUSE": "paused", "RATE_LIMIT": f"rate-limited to {action[1] if isinstance(action, list) else '?'} "
            "running jobs", "REJECT": "being rejected", "ACCEPT": "accepted"}.get(kind, kind)
    return (f"{what} by filter rule {rule['uuid']} (priority {rule['priority']}, {kind}, "
            f"{describe_predicates(rule['predicates'])}) · gnt-filter delete {rule['uuid']} releases it")


def describe_predicates(predicates: list[Any]) -> str:
    """``jobid: id > watermark; reason: ...`` in the query language (JSON when it cannot be said)."""
    parts = []
    for predicate in predicates or []:
        try:
            kind, expr = predicate
            parts.append(f"{kind}: {qlang.render(expr)}")
        except (GanetiError, TypeError, ValueError):
            parts.append(json.dumps(predicate))
    return "; ".join(parts) or "matches every job"


class QueueScreen(Screen[None]):
    """The live job queue."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("s", "sort", "Sort"),
        Binding("r", "reverse", "Reverse"),
        Binding("enter", "open", "Open job", show=True),
        Binding("c", "cancel", "Cancel"),
        Binding("p", "priority", "Priority"),
        Binding("a", "archive", "Archive"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter_text = ""
        self.explanation = ""
        self._explained: tuple[int, str] | None = None

    @property
    def ganeti(self) -> GanetiApp:
        return self.app  # type: ignore[return-value]

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#jobs", VirtualTable)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="queue-status", classes="status-line", markup=False)
        yield VirtualTable(COLUMNS, id="jobs", empty_text="(no jobs in the queue)")
        yield Static("", id="why", classes="why", markup=False)
        yield Static("", id="filter-error", classes="filter-error", markup=False)
        yield Input(placeholder='query filter, e.g. status == "queued" and priority < 0 (Enter applies, Esc closes)',
                    id="filter", classes="filter-bar")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "queue"
        self.sync()
        self.table.focus()
        self.set_interval(1.0, self._tick)

    def on_screen_resume(self) -> None:
        self.sync()

    # -- the feed ------------------------------------------------------------------------

    def sync(self) -> None:
        """Show every job of the feed (on mount and when the screen comes back)."""
        jobs = self.ganeti.feed.jobs
        self.table.set_rows((job_id, row.as_row()) for job_id, row in jobs.items())
        self._after_change()

    def on_queue_feed_changed(self, message: QueueFeed.Changed) -> None:
        jobs = self.ganeti.feed.jobs
        upserts = [(j, jobs[j].as_row()) for j in message.job_ids if j in jobs]
        removals = [j for j in message.job_ids if j not in jobs]
        self.table.apply(upserts, removals)
        self._after_change()
        key = self.table.cursor_key
        if key in message.job_ids:
            self._explain(key)

    def on_queue_feed_connection_changed(self, message: QueueFeed.ConnectionChanged) -> None:
        self._show_status()

    def _after_change(self) -> None:
        self._show_status()
        table = self.table
        top = int(table.scroll_y)
        self.ganeti.feed.want_details(table.ordered_keys(top, top + table.page_height))  # type: ignore[arg-type]

    def _tick(self) -> None:
        self.table.clear_cache()  # ages move on
        self._after_change()

    def _show_status(self) -> None:
        feed = self.ganeti.feed
        counts = feed.status_counts
        parts = [f"{len(feed.jobs)} jobs"]
        parts += [f"{s} {counts[s]}" for s in ("queued", "waiting", "running", "error") if counts[s]]
        table = self.table
        if self.filter_text:
            parts.append(f"filter: {self.filter_text} ({table.row_count} shown)")
        if table.sort_column:
            parts.append(f"sorted by {table.sort_column}{' (reversed)' if table.sort_reverse else ''}")
        parts.append("connected" if feed.connected else f"DISCONNECTED: {feed.error or 'connecting'}")
        if self.ganeti.read_only:
            parts.append("read-only")
        self.query_one("#queue-status", Static).update(" · ".join(parts))

    # -- why a job waits -------------------------------------------------------------------

    def on_virtual_table_highlighted(self, message: VirtualTable.Highlighted) -> None:
        if message.key is not None:
            self._explain(int(message.key))  # type: ignore[call-overload]

    def _explain(self, job_id: Any) -> None:
        row = self.ganeti.feed.jobs.get(job_id)
        if row is None:
            self._set_why("")
            return
        if row.status in ("queued", "waiting"):
            self._set_why(f"job {job_id} {row.status}: looking up why…")
            self._explain_worker(job_id, row.status)
        elif row.status in FINISHED:
            self._set_why(f"job {job_id} {row.status} · Enter shows its log · a archives it")
        else:
            self._set_why(f"job {job_id} {row.status} · Enter follows its log")

    @work(thread=True, exclusive=True, group="explain")
    def _explain_worker(self, job_id: int, status: str) -> None:
        try:
            text = explain_wait(self.ganeti.client, job_id, status)
        except GanetiError as exc:
            text = f"cannot tell why: {exc.message.splitlines()[0]}"
        except Exception:  # the app is closing (its client is gone): nothing to show
            return
        try:
            self.app.call_from_thread(self._explained_result, job_id, status, text)
        except RuntimeError:  # the app stopped meanwhile
            pass

    def _explained_result(self, job_id: int, status: str, text: str) -> None:
        try:
            if self.table.cursor_key == job_id:
                self._set_why(f"job {job_id} {status}: {text}")
        except NoMatches:  # the screen went while the master answered
            pass

    def _set_why(self, text: str) -> None:
        self.explanation = text
        self.query_one("#why", Static).update(text)

    # -- the filter ---------------------------------------------------------------------------

    def action_filter(self) -> None:
        bar = self.query_one("#filter", Input)
        bar.add_class("-shown")
        bar.value = self.filter_text
        bar.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self._check_filter(event.value)

    def _check_filter(self, text: str) -> Callable[[Mapping[str, Any]], bool] | None | bool:
        """The predicate, or False (with the error shown) when ``text`` is not a valid filter."""
        error = self.query_one("#filter-error", Static)
        try:
            predicate = compile_filter(text)
        except GanetiError as exc:
            error.update(filter_error(exc))
            error.add_class("-shown")
            return False
        error.update("")
        error.remove_class("-shown")
        return predicate

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "filter":
            return
        predicate = self._check_filter(event.value)
        if predicate is False:
            return
        self.filter_text = event.value.strip()
        self.table.set_filter(predicate or None)  # type: ignore[arg-type]
        event.input.remove_class("-shown")
        self.table.focus()
        self._after_change()

    def action_clear_filter(self) -> None:
        bar = self.query_one("#filter", Input)
        if bar.has_class("-shown"):
            bar.remove_class("-shown")
            self.query_one("#filter-error", Static).remove_class("-shown")
            self.table.focus()
            return
        if self.filter_text:
            self.filter_text = ""
            self.table.set_filter(None)
            self._after_change()

    # -- sorting and opening ------------------------------------------------------------------

    def action_sort(self) -> None:
        table = self.table
        current = table.sort_column or "id"
        following = SORTS[(SORTS.index(current) + 1) % len(SORTS)]
        table.sort_by(None if following == "id" else following, table.sort_reverse)
        self._after_change()

    def action_reverse(self) -> None:
        table = self.table
        table.sort_by(table.sort_column, not table.sort_reverse)
        self._after_change()

    def on_virtual_table_selected(self, message: VirtualTable.Selected) -> None:
        self.app.push_screen(JobScreen(int(message.key)))  # type: ignore[call-overload]

    def action_open(self) -> None:
        self.table.action_select()

    # -- job actions ------------------------------------------------------------------------

    def _cursor_job(self) -> int | None:
        key = self.table.cursor_key
        if key is None:
            self.notify("no job under the cursor", severity="warning")
            return None
        return int(key)  # type: ignore[call-overload]

    def action_cancel(self) -> None:
        job_id = self._cursor_job()
        if job_id is not None:
            self.run_worker(cancel_job(self.ganeti, job_id), group="job-action")

    def action_priority(self) -> None:
        job_id = self._cursor_job()
        if job_id is not None:
            row = self.ganeti.feed.jobs.get(job_id)
            self.run_worker(change_priority(self.ganeti, job_id, row.priority if row else None),
                            group="job-action")

    def action_archive(self) -> None:
        job_id = self._cursor_job()
        if job_id is not None:
            self.run_worker(archive_job(self.ganeti, job_id), group="job-action")
