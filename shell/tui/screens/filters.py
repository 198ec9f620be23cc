"""The Filters screen (key 3): the job filter rules in the order the master consults them.

Add and edit open the rule form (fields and raw JSON, validated as typed, with
a dry run of the rule before it is saved); delete and the priority keys change
a rule after a confirmation that shows the equivalent ``gnt-filter`` command.
The highlighted rule's details and what it does to the queue right now are
shown below the table; ``/`` filters the rules with the query language.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Label, Static

from agent import qlang
from agent.errors import GanetiError
from shell.tui.screens.base import GanetiScreen
from shell.tui.screens.cluster import QueryBar, RowFilter, field_filter
from shell.tui.screens.filter_form import FilterForm, filter_command, user_reason
from shell.tui.screens.overview import action_text, rule_text
from shell.tui.widgets.virtual_table import Column, VirtualTable

if TYPE_CHECKING:
    from shell.tui.feed import QueueFeed

REFRESH = 5.0
# The fields ``/`` knows on this screen (those of ``gnt-filter list``, with the action as text).
RULE_FIELDS = {
    "uuid": qlang.FieldKind.TEXT, "priority": qlang.FieldKind.NUMBER,
    "watermark": qlang.FieldKind.NUMBER, "action": qlang.FieldKind.TEXT,
    "predicates": qlang.FieldKind.TEXT, "reason": qlang.FieldKind.TEXT,
}
ACTION_STYLE = {"ACCEPT": "green", "PAUSE": "yellow", "REJECT": "bold red", "CONTINUE": "dim",
                "RATE_LIMIT": "cyan"}


def rule_filter(text: str) -> RowFilter | None:
    """A row predicate over the rules table from query-language text (None: every rule)."""
    return field_filter(RULE_FIELDS)(text)


def rule_row(position: int, rule: dict[str, Any]) -> dict[str, Any]:
    reason = [e[1] for e in user_reason(rule.get("reason_trail") or []) if len(e) > 1 and e[1]]
    return {
        "order": position, "priority": rule["priority"], "action": action_text(rule["action"]),
        "predicates": rule_text(rule), "watermark": rule["watermark"], "reason": "; ".join(reason),
        "uuid": rule["uuid"], "_rule": rule,
    }


def _action_cell(value: Any, row: Any) -> Text:
    return Text(str(value), style=ACTION_STYLE.get(str(value).split()[0], ""))


class FiltersScreen(GanetiScreen):
    """Job filter rules: list in evaluation order, add, edit, delete, reorder, dry run."""

    CSS_PATH = Path(__file__).with_name("filters.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
        Binding("minus", "shift(-1)", "Earlier", key_display="-"),
        Binding("plus", "shift(1)", "Later", key_display="+"),
        Binding("slash", "filter", "Filter"),
        Binding("r", "refresh_rules", "Refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rules: dict[str, dict[str, Any]] = {}

    def compose(self) -> ComposeResult:
        yield VirtualTable([
            Column("order", "#", width=3), Column("priority", "Prio", width=4),
            Column("action", "Action", width=13, render=_action_cell),
            Column("predicates", "Predicates"), Column("watermark", "Watermark", width=9),
            Column("reason", "Reason"), Column("uuid", "UUID", width=36),
        ], empty_text="(no filter rules: every job runs; press a to add one)", id="rules")
        yield Static("", id="rule-detail")
        yield Label("", id="query-error")
        yield QueryBar(id="query")
        yield Footer()

    def on_queue_feed_changed(self, message: QueueFeed.Changed) -> None:
        message.stop()  # handled here: it must not bubble back to the app that forwarded it

    def on_queue_feed_connection_changed(self, message: QueueFeed.ConnectionChanged) -> None:
        message.stop()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#rules", VirtualTable)

    def on_mount(self) -> None:
        self.table.border_title = "Job filter rules, in evaluation order"
        self.table.sort_by("order")
        self.query_one(QueryBar).display = False
        self.query_one("#query-error").display = False
        self.table.focus()
        self.action_refresh_rules()
        self.set_interval(REFRESH, self.action_refresh_rules)

    # -- the rules -------------------------------------------------------------------

    def action_refresh_rules(self) -> None:
        self._fetch()

    @work(thread=True, exclusive=True, group="filters-refresh")
    def _fetch(self) -> None:
        try:
            found = self.gapp.client.query_filters()
        except GanetiError as exc:
            self.app.call_from_thread(self._show_error, exc.message.splitlines()[0])
            return
        self.app.call_from_thread(self.show_rules, found)

    def _show_error(self, message: str) -> None:
        self.table.border_subtitle = f"cannot read the rules: {message}"

    def show_rules(self, found: list[dict[str, Any]]) -> None:
        self.table.border_subtitle = ""
        rows = {r["uuid"]: rule_row(i + 1, r) for i, r in enumerate(found)}
        self.rules = {r["uuid"]: r for r in found}
        gone = [k for k in self.table.rows if k not in rows]
        self.table.apply([(k, r) for k, r in rows.items() if self.table.rows.get(k) != r], gone)
        self._show_detail()

    def selected(self) -> dict[str, Any] | None:
        key = self.table.cursor_key
        return self.rules.get(str(key)) if key is not None else None

    # -- the highlighted rule ------------------------------------------------------------

    def on_virtual_table_highlighted(self, event: VirtualTable.Highlighted) -> None:
        event.stop()
        self._show_detail()

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        self.action_edit()

    def _show_detail(self) -> None:
        rule = self.selected()
        detail = self.query_one("#rule-detail", Static)
        if rule is None:
            detail.update("")
            return
        detail.update(self._detail_text(rule, None))
        self._rule_effect(rule)

    @staticmethod
    def _detail_text(rule: dict[str, Any], effect: str | None) -> Text:
        text = Text()
        text.append(f"Rule {rule['uuid']}", style="bold")
        text.append(f"  priority {rule['priority']}, watermark {rule['watermark']}, action ")
        text.append(action_text(rule["action"]), style=ACTION_STYLE.get(
            rule["action"][0] if isinstance(rule["action"], list) else rule["action"], ""))
        text.append(f"\nPredicates: {json.dumps(rule['predicates'])}")
        trail = [f"{e[0]}: {e[1]}" if e[1] else str(e[0]) for e in rule.get("reason_trail") or []]
        text.append(f"\nReason trail: {'; '.join(trail) or '-'}")
        text.append("\nNow: ")
        text.append(effect or "asking the master…", style="dim" if effect is None else "")
        return text

    @work(thread=True, exclusive=True, group="filters-effect")
    def _rule_effect(self, rule: dict[str, Any]) -> None:
        try:
            matches, _ = self.gapp.client.filter_dry_run(
                rule["uuid"], priority=rule["priority"], predicates=rule["predicates"],
                action=rule["action"], reason=user_reason(rule.get("reason_trail") or []))
        except GanetiError as exc:
            effect = f"cannot tell: {exc.message.splitlines()[0]}"
        else:
            applied = [m for m in matches if m["effect"] not in ("none", "none (already running)")]
            effect = (f"matches {len(matches)} queued or running job(s)"
                      + (f", applies to {len(applied)}: " + ", ".join(
                          f"{m['job_id']} {m['effect']}" for m in applied[:8]) if applied else "")
                      + ("…" if len(applied) > 8 else ""))
        self.app.call_from_thread(self._show_effect, rule, effect)

    def _show_effect(self, rule: dict[str, Any], effect: str) -> None:
        if self.selected() == rule:
            self.query_one("#rule-detail", Static).update(self._detail_text(rule, effect))

    # -- changing rules ----------------------------------------------------------------

    def action_add(self) -> None:
        self.app.push_screen(FilterForm(), self._saved)

    def action_edit(self) -> None:
        rule = self.selected()
        if rule is None:
            self.notify("no rule selected", severity="warning")
            return
        self.app.push_screen(FilterForm(rule), self._saved)

    def _saved(self, uuid: str | None) -> None:
        if uuid:
            self._fetch_then_select(uuid)

    @work(thread=True, exclusive=True, group="filters-refresh")
    def _fetch_then_select(self, uuid: str) -> None:
        try:
            found = self.gapp.client.query_filters()
        except GanetiError as exc:
            self.app.call_from_thread(self._show_error, exc.message.splitlines()[0])
            return

        def show() -> None:
            self.show_rules(found)
            self.table.move_cursor(uuid)

        self.app.call_from_thread(show)

    def action_delete(self) -> None:
        rule = self.selected()
        if rule is None:
            self.notify("no rule selected", severity="warning")
            return
        self._delete(rule)

    @work(exclusive=True, group="filters-change")
    async def _delete(self, rule: dict[str, Any]) -> None:
        command = f"gnt-filter delete {rule['uuid']}"
        question = f"Delete rule {rule['uuid']} ({action_text(rule['action'])}: {rule_text(rule)})?"
        if not await self.gapp.confirm(question, command):
            return
        if await self._call(self.gapp.client.delete_filter, rule["uuid"]):
            self.gapp.teach(command)
            self.action_refresh_rules()

    def action_shift(self, delta: int) -> None:
        rule = self.selected()
        if rule is None:
            self.notify("no rule selected", severity="warning")
            return
        if rule["priority"] + delta < 0:
            self.notify("priority 0 is consulted first already", severity="warning")
            return
        self._reprioritise(rule, rule["priority"] + delta)

    @work(exclusive=True, group="filters-change")
    async def _reprioritise(self, rule: dict[str, Any], priority: int) -> None:
        new = {"priority": priority, "predicates": rule["predicates"], "action": rule["action"],
               "reason": user_reason(rule.get("reason_trail") or [])}
        command = filter_command(new, rule["uuid"])
        where = "earlier" if priority < rule["priority"] else "later"
        if not await self.gapp.confirm(f"Give rule {rule['uuid']} priority {priority} "
                                       f"(consulted {where})?", command):
            return
        if await self._call(lambda: self.gapp.client.replace_filter(rule["uuid"], **new)):
            self.gapp.teach(command)
            self._fetch_then_select(rule["uuid"])

    async def _call(self, fn: Any, *args: Any) -> bool:
        import asyncio

        try:
            await asyncio.to_thread(fn, *args)
        except GanetiError as exc:
            self.notify(exc.message.splitlines()[0], title="failed", severity="error", markup=False)
            return False
        return True

    # -- the / filter --------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one(QueryBar).attach(self.table, rule_filter)


__all__ = ["FiltersScreen", "rule_filter", "rule_row"]
