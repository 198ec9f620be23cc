"""The Balance screen (key 4): hbal's plan for the live cluster, and running it.

The options operators give hbal (max moves ``-l``, min gain ``-g``, evac mode
``-E``, ``--no-disk-moves``, the group ``-G``) are inputs; ``p`` asks the master
for a preview: the move list, the score before and after, and every node's
memory, disk and cpu use before and after. Accept (``a``, confirmed, refused in
read-only mode) submits the previewed plan as jobs, the same as ``hbal -L -X``
with those options; the master refuses when the cluster changed since the
preview. The submitted jobs are followed to their end and their results shown.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Footer, Input, Label, RichLog, Select, Static

from agent import qlang
from agent.errors import GanetiError
from shell.tui.screens.base import GanetiScreen
from shell.tui.screens.cluster import QueryBar, field_filter
from shell.tui.widgets.bars import RESOURCES, change_bar
from shell.tui.widgets.virtual_table import Column, VirtualTable

if TYPE_CHECKING:
    from shell.tui.feed import QueueFeed

DEFAULT_MIN_GAIN = 0.01
NO_GROUP = ""
MOVE_FIELDS = {"step": qlang.FieldKind.NUMBER, "instance": qlang.FieldKind.HOSTNAME,
               "from": qlang.FieldKind.TEXT, "to": qlang.FieldKind.TEXT, "commands": qlang.FieldKind.TEXT}
JOB_STYLE = {"success": "green", "error": "bold red", "canceled": "yellow"}


@dataclass(frozen=True)
class BalanceRequest:
    """The options of one preview, as hbal's flags and as BalancePreviewRequest's fields."""

    max_moves: int = 0
    min_gain: float = DEFAULT_MIN_GAIN
    evac_mode: bool = False
    no_disk_moves: bool = False
    group: str = NO_GROUP

    def options(self) -> dict[str, Any]:
        return {"max_moves": self.max_moves, "min_gain": self.min_gain, "evac_mode": self.evac_mode,
                "no_disk_moves": self.no_disk_moves, "group": self.group}

    def hbal_command(self) -> str:
        """``hbal -L -X`` with the same options: what accepting the plan does."""
        words = ["hbal", "-L", "-X"]
        if self.max_moves:
            words.append(f"--max-length={self.max_moves}")
        if self.min_gain != DEFAULT_MIN_GAIN:
            words.append(f"--min-gain={self.min_gain:g}")
        if self.evac_mode:
            words.append("--evac-mode")
        if self.no_disk_moves:
            words.append("--no-disk-moves")
        if self.group:
            words.append(f"--group={self.group}")
        return shlex.join(words)


def parse_request(max_moves: str, min_gain: str, evac_mode: bool, no_disk_moves: bool,
                  group: str) -> BalanceRequest:
    """The inputs as a request; GanetiError naming the input that is wrong."""
    text = max_moves.strip() or "0"
    try:
        moves = int(text)
    except ValueError:
        raise GanetiError(f"max moves must be a whole number (0: no limit), not '{max_moves}'") from None
    if moves < 0:
        raise GanetiError(f"max moves must not be negative, not {moves}")
    text = min_gain.strip() or str(DEFAULT_MIN_GAIN)
    try:
        gain = float(text)
    except ValueError:
        raise GanetiError(f"min gain must be a number, not '{min_gain}'") from None
    if gain < 0 or gain != gain:
        raise GanetiError(f"min gain must not be negative, not {min_gain}")
    return BalanceRequest(moves, gain, evac_mode, no_disk_moves, group)


def move_row(position: int, move: dict[str, Any]) -> dict[str, Any]:
    def place(p: str | None, s: str | None) -> str:
        return f"{p or '-'}:{s}" if s else (p or "-")

    return {"step": position, "instance": move["instance"],
            "from": place(move["old_pnode"], move["old_snode"]),
            "to": place(move["new_pnode"], move["new_snode"]),
            "score": f"{move['score']:.8f}", "commands": "; ".join(move.get("commands") or [])}


def _change(resource: str) -> Any:
    def render(value: Any, row: Any) -> Text:
        return change_bar(row["before"].get(resource), row["after"].get(resource), 6)

    return render


class BalanceScreen(GanetiScreen):
    """Preview hbal's moves with its options, then accept them as jobs and follow them."""

    CSS_PATH = Path(__file__).with_name("balance.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "preview", "Preview"),
        Binding("a", "accept", "Accept"),
        Binding("o", "focus_options", "Options"),
        Binding("m", "focus_moves", "Moves"),
        Binding("slash", "filter", "Filter moves"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan: dict[str, Any] | None = None
        self.serial: int | None = None
        self.request: BalanceRequest | None = None
        self.job_ids: list[int] = []
        self.results: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(classes="options"):
            yield Label("Max moves (-l, 0: no limit)")
            yield Input("0", id="max-moves", compact=True)
            yield Label("Min gain (-g)")
            yield Input(f"{DEFAULT_MIN_GAIN:g}", id="min-gain", compact=True)
            yield Label("Group (-G)")
            yield Select([], prompt="the only group", id="group", compact=True)
        with Horizontal(classes="options"):
            yield Checkbox("Evac mode (-E)", id="evac-mode", compact=True)
            yield Checkbox("No disk moves", id="no-disk-moves", compact=True)
            yield Button("Preview (p)", id="preview-button", compact=True)
            yield Button("Accept (a)", variant="warning", id="accept-button", disabled=True, compact=True)
        yield Label("", id="options-error")
        yield Static("Computing the plan…", id="summary")
        with Vertical(id="plan"):
            yield VirtualTable([
                Column("step", "#", width=3), Column("instance", "Instance"), Column("from", "From"),
                Column("to", "To"), Column("score", "Score after", width=11), Column("commands", "Commands"),
            ], empty_text="(no moves)", id="moves")
            yield VirtualTable([
                Column("name", "Node"),
                *(Column(r, f"{r.capitalize()} before → after", width=27, render=_change(r))
                  for r in RESOURCES),
            ], empty_text="(no nodes)", id="nodes")
        yield RichLog(id="jobs", markup=False, wrap=True)
        yield Label("", id="query-error")
        yield QueryBar(id="query")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#moves").border_title = "Moves"
        self.query_one("#nodes").border_title = "Nodes"
        self.query_one("#moves", VirtualTable).sort_by("step")
        self.query_one("#nodes", VirtualTable).sort_by("name")
        jobs = self.query_one("#jobs", RichLog)
        jobs.border_title = "Submitted jobs"
        jobs.display = False
        self.query_one("#options-error").display = False
        self.query_one(QueryBar).display = False
        self.query_one("#query-error").display = False
        self.query_one("#moves", VirtualTable).focus()
        self._load_groups()
        self.action_preview()

    def on_queue_feed_changed(self, message: QueueFeed.Changed) -> None:
        message.stop()  # handled here: it must not bubble back to the app that forwarded it

    def on_queue_feed_connection_changed(self, message: QueueFeed.ConnectionChanged) -> None:
        message.stop()

    # -- options -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="balance-groups")
    def _load_groups(self) -> None:
        try:
            groups = [g["name"] for g in self.gapp.client.query("group") if g.get("node_cnt")]
        except GanetiError:
            return
        self.app.call_from_thread(self._set_groups, groups)

    def _set_groups(self, groups: list[str]) -> None:
        select = self.query_one("#group", Select)
        select.set_options((g, g) for g in sorted(groups))

    def read_request(self) -> BalanceRequest | None:
        group = self.query_one("#group", Select).value
        error = self.query_one("#options-error", Label)
        try:
            request = parse_request(
                self.query_one("#max-moves", Input).value, self.query_one("#min-gain", Input).value,
                self.query_one("#evac-mode", Checkbox).value, self.query_one("#no-disk-moves", Checkbox).value,
                group if isinstance(group, str) else NO_GROUP)
        except GanetiError as exc:
            error.update(exc.message)
            error.display = True
            return None
        error.display = False
        return request

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.read_request()  # says at once what is wrong with an option

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in an option previews with it and returns to the moves (where p, a, o work)."""
        event.stop()
        if self.read_request() is not None:
            self.action_focus_moves()
        self.action_preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "preview-button":
            self.action_preview()
        elif event.button.id == "accept-button":
            self.action_accept()

    def action_focus_options(self) -> None:
        self.query_one("#max-moves", Input).focus()

    def action_focus_moves(self) -> None:
        self.query_one("#moves", VirtualTable).focus()

    def action_filter(self) -> None:
        """``/``: the moves filtered by the query language over their columns."""
        self.query_one(QueryBar).attach(self.query_one("#moves", VirtualTable), field_filter(MOVE_FIELDS))

    # -- the preview -----------------------------------------------------------------

    def action_preview(self) -> None:
        request = self.read_request()
        if request is None:
            return
        self.query_one("#summary", Static).update(Text("Computing the plan…", style="dim"))
        self._fetch_preview(request)

    @work(thread=True, exclusive=True, group="balance-preview")
    def _fetch_preview(self, request: BalanceRequest) -> None:
        try:
            plan, serial = self.gapp.client.balance_preview(**request.options())
        except GanetiError as exc:
            self.app.call_from_thread(self._show_preview_error, exc.message.splitlines()[0])
            return
        self.app.call_from_thread(self.show_plan, request, plan, serial)

    def _show_preview_error(self, message: str) -> None:
        self.plan = None
        self.query_one("#summary", Static).update(Text(f"No preview: {message}", style="red"))
        self.query_one("#moves", VirtualTable).set_rows([])
        self.query_one("#nodes", VirtualTable).set_rows([])
        self._update_accept()

    def show_plan(self, request: BalanceRequest, plan: dict[str, Any], serial: int) -> None:
        self.plan, self.serial, self.request = plan, serial, request
        self.query_one("#summary", Static).update(self._summary(plan, request))
        self.query_one("#moves", VirtualTable).set_rows(
            (i + 1, move_row(i + 1, m)) for i, m in enumerate(plan["moves"]))
        self.query_one("#nodes", VirtualTable).set_rows(
            (n["name"], {"name": n["name"], "before": n["before"], "after": n["after"],
                         **{r: n["after"].get(r) for r in RESOURCES}})
            for n in plan["nodes"])
        self._update_accept()

    @staticmethod
    def _summary(plan: dict[str, Any], request: BalanceRequest) -> Text:
        text = Text(f"Group {plan['group']}: score ")
        text.append(f"{plan['initial_score']:.8f}", style="bold")
        text.append(" → ")
        improved = plan["final_score"] < plan["initial_score"]
        text.append(f"{plan['final_score']:.8f}", style="bold green" if improved else "bold")
        text.append(f" (optimal {plan['optimal_score']:.8f})")
        moves = plan["moves"]
        if moves:
            text.append(f", {len(moves)} move(s)")
        else:
            text.append(f"; no moves: {plan.get('why') or 'nothing to do'}", style="yellow")
        before, after = plan.get("n1_fail") or [], plan.get("n1_fail_after") or []
        if before or after:
            text.append(f"\nN+1 failing nodes: {len(before)} before, {len(after)} after", style="red")
        text.append(f"\nAccepting runs: {request.hbal_command()}", style="dim")
        return text

    def _update_accept(self) -> None:
        button = self.query_one("#accept-button", Button)
        button.disabled = self.gapp.read_only or not (self.plan and self.plan["moves"])
        button.tooltip = "read-only mode" if self.gapp.read_only else None

    # -- accepting -------------------------------------------------------------------------

    def action_accept(self) -> None:
        if self.plan is None or self.request is None or self.serial is None:
            self.notify("no preview yet: press p", severity="warning")
            return
        if not self.plan["moves"]:
            self.notify(f"nothing to do: {self.plan.get('why') or 'no moves'}", severity="warning")
            return
        self._accept(self.request, self.serial, len(self.plan["moves"]), self.plan)

    @work(exclusive=True, group="balance-accept")
    async def _accept(self, request: BalanceRequest, serial: int, count: int, plan: dict[str, Any]) -> None:
        import asyncio

        command = request.hbal_command()
        question = (f"Submit the {count} move(s) of group {plan['group']} as jobs? "
                    f"The score would go from {plan['initial_score']:.8f} to {plan['final_score']:.8f}.")
        if not await self.gapp.confirm(question, command):
            return
        log = self.query_one("#jobs", RichLog)
        log.display = True
        try:
            job_ids = await asyncio.to_thread(self.gapp.client.execute_balance, serial, **request.options())
        except GanetiError as exc:
            message = exc.message.splitlines()[0]
            log.write(Text(f"Refused: {message}. Preview again (p) and accept the new plan.", style="red"))
            self.notify(message, title="not submitted", severity="error", markup=False)
            return
        self.gapp.teach(command)
        self.job_ids, self.results = job_ids, {}
        log.write(Text(f"Got job IDs {', '.join(map(str, job_ids))}", style="bold"))
        self.plan = None
        self._update_accept()
        self._follow(job_ids)

    @work(thread=True, exclusive=True, group="balance-follow")
    def _follow(self, job_ids: list[int]) -> None:
        client = self.gapp.client
        for job_id in job_ids:
            try:
                job = client.wait_job(job_id)
            except GanetiError as exc:
                self.app.call_from_thread(self._job_done, job_id, "lost", exc.message.splitlines()[0])
                continue
            self.app.call_from_thread(self._job_done, job_id, str(job["status"]), self._describe(job))
        self.app.call_from_thread(self._all_done)

    @staticmethod
    def _describe(job: dict[str, Any]) -> str:
        summary = ", ".join(str(s) for s in job.get("summary") or [])
        if job["status"] == "success":
            return summary
        errors = [r for r in job.get("opresult") or [] if r]
        return f"{summary}: {errors[0] if errors else job['status']}"

    def _job_done(self, job_id: int, status: str, detail: str) -> None:
        self.results[job_id] = status
        line = Text(f"Job {job_id} {status}", style=JOB_STYLE.get(status, "red"))
        line.append(f"  {detail}", style="")
        self.query_one("#jobs", RichLog).write(line)

    def _all_done(self) -> None:
        failed = [j for j, s in self.results.items() if s != "success"]
        log = self.query_one("#jobs", RichLog)
        if failed:
            log.write(Text(f"{len(failed)} of {len(self.results)} job(s) did not succeed: "
                           f"{', '.join(map(str, failed))}", style="bold red"))
        else:
            log.write(Text(f"All {len(self.results)} job(s) succeeded.", style="bold green"))
        self.action_preview()


__all__ = ["BalanceRequest", "BalanceScreen", "move_row", "parse_request"]
