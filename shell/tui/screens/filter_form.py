"""The job filter rule editor of the Filters screen: a form and its raw JSON, kept in step.

Each field (priority, action and its rate limit, one query-language predicate
per kind, the reason) is validated as it is typed with the query language
parser's and the master's own messages; the JSON view holds the same rule as
``gnt-filter add --file`` reads it, and editing either side updates the other.
A valid rule is dry-run on the master (which queued and running jobs it would
match, and what it would do to them) before it can be saved; saving is
confirmed with the equivalent ``gnt-filter`` command.
"""

from __future__ import annotations

import json
import shlex
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Footer, Input, Label, Select, Static, TextArea

from agent import qlang
from agent.errors import GanetiError
from agent.master import filters as rules
from shell.tui.widgets.virtual_table import Column, VirtualTable

if TYPE_CHECKING:
    from shell.tui.app import GanetiApp
    from shell.tui.feed import QueueFeed

KINDS = qlang.PREDICATE_KINDS  # jobid, opcode, reason
ACTION_KINDS = ("ACCEPT", "PAUSE", "REJECT", "CONTINUE", "RATE_LIMIT")
PREVIEW_DELAY = 0.3  # seconds of quiet typing before the dry run
USER_REASON = "gnt:user"
EXAMPLES = {"jobid": 'id > "watermark"', "opcode": 'OP_ID == "OP_INSTANCE_CREATE"',
            "reason": 'reason =~ /maintenance/'}
EFFECT_STYLE = {"pause": "yellow", "reject": "bold red", "accept": "green", "rate-limit": "cyan"}


def parse_expression(kind: str, text: str) -> Any | None:
    """One predicate field: query-language text (or a JSON filter) to its normalised JSON.

    Empty text is no predicate (None). Errors are the parser's message or the
    master's, so what the form says is what ``gnt-filter add`` would say.
    """
    text = text.strip()
    if not text:
        return None
    if text.startswith("["):
        try:
            expr = json.loads(text)
        except ValueError as exc:
            raise GanetiError(f"invalid JSON: {exc}") from None
    else:
        try:
            expr = qlang.parse(text)
        except qlang.QueryFilterParseError as exc:
            raise GanetiError(exc.located_reason) from None
    return rules.check_predicates([[kind, expr]])[0][1]


def expression_text(expr: Any) -> str:
    """A predicate expression as the field shows it: query language, or JSON when it cannot be said."""
    try:
        text = qlang.render(expr)
        if qlang.normalise(qlang.parse(text)) == qlang.normalise(expr):
            return text
    except GanetiError:
        pass
    return json.dumps(expr)


def check_rule(doc: Any) -> dict[str, Any]:
    """A whole rule document (``gnt-filter add --file`` form), checked as the master checks it."""
    if not isinstance(doc, dict):
        raise GanetiError("the rule must be a JSON object")
    unknown = sorted(set(doc) - {"priority", "predicates", "action", "reason"})
    if unknown:
        raise GanetiError(f"filter rule doesn't support the parameter '{unknown[0]}'")
    return {
        "priority": rules.check_priority(doc.get("priority", 0)),
        "predicates": rules.check_predicates(doc.get("predicates", [])),
        "action": rules.parse_action(doc.get("action", "CONTINUE")),
        "reason": rules.check_reason(doc.get("reason", [])),
    }


def user_reason(trail: list[Any]) -> list[list[Any]]:
    """The entries of a stored trail the operator gave (the master adds its own on every save)."""
    return [list(e) for e in trail if isinstance(e, list) and e and e[0] != "luxid"]


def filter_command(rule: dict[str, Any], uuid: str | None) -> str:
    """The one-shot command that saves ``rule`` (``gnt-filter add`` or ``replace UUID``)."""
    verb = ["gnt-filter", "replace"] if uuid else ["gnt-filter", "add"]
    reason = rule.get("reason") or []
    texts = [e[1] for e in reason if e[0] == USER_REASON]
    if len(reason) > 1 or (reason and not texts):
        doc = json.dumps(rule)
        return f"echo {shlex.quote(doc)} | {shlex.join([*verb, '--file', '-', *([uuid] if uuid else [])])}"
    action = rule["action"]
    words = [*verb, f"--priority={rule['priority']}",
             f"--predicates={json.dumps(rule['predicates'])}",
             f"--action={action[0]} {action[1]}" if isinstance(action, list) else f"--action={action}"]
    if texts:
        words.append(f"--reason={texts[0]}")
    if uuid:
        words.append(uuid)
    return shlex.join(words)


class FilterForm(ModalScreen[str | None]):
    """Add or edit one rule; dismisses with the saved rule's uuid (None when abandoned)."""

    CSS_PATH = Path(__file__).with_name("filters.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+r", "preview", "Dry run"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, rule: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.uuid: str | None = rule["uuid"] if rule else None
        self.now_ns = time.time_ns()
        start = {"priority": 0, "predicates": [], "action": "PAUSE", "reason": []}
        if rule is not None:
            start = {"priority": rule["priority"], "predicates": rule["predicates"],
                     "action": rule["action"], "reason": user_reason(rule.get("reason_trail") or [])}
        self.rule: dict[str, Any] | None = check_rule(start)
        self.errors: dict[str, str] = {}
        self.matches: list[dict[str, Any]] | None = None
        self.watermark: int | None = None
        self.previewed: dict[str, Any] | None = None  # the rule the shown dry run is of
        self._timer: Timer | None = None

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        assert self.rule is not None
        with Vertical(id="form-box"):
            with Horizontal(id="form-panes"):
                with VerticalScroll(id="fields"):
                    yield Label("Priority (lower is consulted first)")
                    yield Input(str(self.rule["priority"]), id="priority")
                    yield Label("", id="priority-error", classes="field-error")
                    yield Label("Action")
                    with Horizontal(id="action-row"):
                        yield Select([(k, k) for k in ACTION_KINDS], allow_blank=False,
                                     value=self._action_kind(self.rule["action"]), id="action")
                        yield Input(self._rate(self.rule["action"]), placeholder="jobs", id="rate")
                    yield Label("", id="action-error", classes="field-error")
                    for kind in KINDS:
                        yield Label(f"Predicate {kind} (query language, e.g. {EXAMPLES[kind]})")
                        yield Input("", id=f"pred-{kind}")
                        yield Label("", id=f"pred-{kind}-error", classes="field-error")
                    yield Label("Reason")
                    yield Input("", placeholder="why this rule exists", id="reason")
                with Vertical(id="json-pane"):
                    yield Label("Rule as JSON (gnt-filter add --file)")
                    yield TextArea(self._json(self.rule), language="json", id="json")
                    yield Label("", id="json-error", classes="field-error")
            yield Static("", id="preview-summary")
            yield VirtualTable([
                Column("job_id", "Job", width=7), Column("status", "Status", width=9),
                Column("summary", "Summary", render=lambda v, r: ",".join(v or [])),
                Column("effect", "Effect", width=24,
                       render=lambda v, r: Text(str(v), style=EFFECT_STYLE.get(str(v), "dim"))),
            ], empty_text="(no queued or running job matches)", id="preview")
            with Horizontal(id="form-buttons"):
                yield Static("", id="command")
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        assert self.rule is not None
        box = self.query_one("#form-box")
        box.border_title = f"Edit rule {self.uuid}" if self.uuid else "New filter rule"
        self._fill_fields(self.rule)
        self._refresh_state()
        self.query_one("#priority", Input).focus()
        self.action_preview()

    def on_queue_feed_changed(self, message: QueueFeed.Changed) -> None:
        message.stop()  # handled here: it must not bubble back to the app that forwarded it

    def on_queue_feed_connection_changed(self, message: QueueFeed.ConnectionChanged) -> None:
        message.stop()

    @property
    def gapp(self) -> GanetiApp:
        return cast("GanetiApp", self.app)

    @staticmethod
    def _action_kind(action: Any) -> str:
        return str(action[0]) if isinstance(action, list) else str(action)

    @staticmethod
    def _rate(action: Any) -> str:
        return str(action[1]) if isinstance(action, list) else ""

    @staticmethod
    def _json(rule: dict[str, Any]) -> str:
        """One line per key: predicates stay readable without scrolling."""
        keys = ("priority", "predicates", "action", "reason")
        return "{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(rule[k])}" for k in keys) + "\n}"

    # -- fields → rule --------------------------------------------------------------

    def _fill_fields(self, rule: dict[str, Any]) -> None:
        """Show ``rule`` in the fields (only those that differ, so the cursor stays put)."""
        self._set_input("priority", str(rule["priority"]))
        select = self.query_one("#action", Select)
        if select.value != self._action_kind(rule["action"]):
            select.value = self._action_kind(rule["action"])
        if isinstance(rule["action"], list):
            self._set_input("rate", self._rate(rule["action"]))
        self.query_one("#rate", Input).disabled = not isinstance(rule["action"], list)
        for kind in KINDS:
            exprs = [e for k, e in rule["predicates"] if k == kind]
            field = self.query_one(f"#pred-{kind}", Input)
            field.disabled = len(exprs) > 1
            if len(exprs) > 1:
                self._set_input(f"pred-{kind}", "")
                field.placeholder = f"{len(exprs)} {kind} predicates: edit them in the JSON"
                continue
            field.placeholder = ""
            current = self._field_expr(kind)
            if not exprs:
                if current is not None:
                    self._set_input(f"pred-{kind}", "")
            elif current != exprs[0]:
                self._set_input(f"pred-{kind}", expression_text(exprs[0]))
        texts = [e[1] for e in rule["reason"] if e[0] == USER_REASON]
        self._set_input("reason", texts[0] if texts else "")

    def _set_input(self, name: str, value: str) -> None:
        field = self.query_one(f"#{name}", Input)
        if field.value != value:
            field.value = value

    def _field_expr(self, kind: str) -> Any | None:
        try:
            return parse_expression(kind, self.query_one(f"#pred-{kind}", Input).value)
        except GanetiError:
            return object()  # differs from everything: the field is shown as typed

    def rule_from_fields(self) -> dict[str, Any] | None:
        """The rule the fields describe, or None (``errors`` then says what is wrong where)."""
        self.errors = {}
        doc: dict[str, Any] = {}
        text = self.query_one("#priority", Input).value.strip()
        try:
            value = int(text)
        except ValueError:
            self.errors["priority"] = f"Invalid value for non-negative type '{text}'"
        else:
            try:
                doc["priority"] = rules.check_priority(value)
            except GanetiError as exc:
                self.errors["priority"] = exc.message
        kind = str(self.query_one("#action", Select).value)
        if kind == "RATE_LIMIT":
            rate = self.query_one("#rate", Input).value.strip()
            try:
                doc["action"] = rules.parse_action(["RATE_LIMIT", int(rate)])
            except ValueError:
                self.errors["action"] = f"RATE_LIMIT needs a number of jobs, not '{rate}'"
            except GanetiError as exc:
                self.errors["action"] = exc.message
        else:
            doc["action"] = kind
        predicates: list[Any] = []
        for kind_ in KINDS:
            field = self.query_one(f"#pred-{kind_}", Input)
            if field.disabled and self.rule is not None:
                predicates += [p for p in self.rule["predicates"] if p[0] == kind_]
                continue
            try:
                expr = parse_expression(kind_, field.value)
            except GanetiError as exc:
                self.errors[f"pred-{kind_}"] = exc.message
                continue
            if expr is not None:
                predicates.append([kind_, expr])
        doc["predicates"] = predicates
        reason = self.query_one("#reason", Input).value.strip()
        kept = [e for e in (self.rule or {}).get("reason", []) if e[0] == USER_REASON]
        doc["reason"] = [[USER_REASON, reason, kept[0][2] if kept and kept[0][1] == reason else self.now_ns]] \
            if reason else []
        return None if self.errors else check_rule(doc)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._from_fields()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        rate = self.query_one("#rate", Input)
        rate.disabled = event.value != "RATE_LIMIT"
        if event.value == "RATE_LIMIT" and not rate.value:
            rate.value = "1"
        self._from_fields()

    def _from_fields(self) -> None:
        if not self.is_mounted:
            return
        rule = self.rule_from_fields()
        self._show_field_errors()
        if rule is None:
            self._refresh_state()
            return
        if rule != self.rule:
            self.rule = rule
            area = self.query_one("#json", TextArea)
            if self._parse_json(area.text) != rule:
                area.text = self._json(rule)
            self.query_one("#json-error", Label).update("")
            self._schedule_preview()
        self._refresh_state()

    def _show_field_errors(self) -> None:
        for name in ("priority", "action", *(f"pred-{k}" for k in KINDS)):
            self.query_one(f"#{name}-error", Label).update(self.errors.get(name, ""))

    # -- JSON → rule ---------------------------------------------------------------------

    @staticmethod
    def _parse_json(text: str) -> dict[str, Any] | None:
        try:
            return check_rule(json.loads(text))
        except (ValueError, GanetiError):
            return None

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        error = self.query_one("#json-error", Label)
        try:
            doc = json.loads(event.text_area.text)
        except ValueError as exc:
            error.update(f"invalid JSON: {exc}")
            self._json_invalid = True
            self._refresh_state()
            return
        try:
            rule = check_rule(doc)
        except GanetiError as exc:
            error.update(exc.message)
            self._json_invalid = True
            self._refresh_state()
            return
        error.update("")
        self._json_invalid = False
        if rule != self.rule:
            self.rule = rule
            self._fill_fields(rule)
            self.errors = {}
            self._show_field_errors()
            self._schedule_preview()
        self._refresh_state()

    _json_invalid = False

    @property
    def valid(self) -> bool:
        return self.rule is not None and not self.errors and not self._json_invalid

    def _refresh_state(self) -> None:
        command = self.query_one("#command", Static)
        if self.valid and self.rule is not None:
            command.update(Text(f"same as: {filter_command(self.rule, self.uuid)}", style="dim"))
        else:
            command.update(Text("fix the marked fields to save", style="red"))
        self.query_one("#save", Button).disabled = not self.valid

    # -- the dry run ------------------------------------------------------------------

    def _schedule_preview(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PREVIEW_DELAY, self.action_preview)

    def action_preview(self) -> None:
        if self.valid and self.rule is not None:
            self._dry_run(dict(self.rule))

    @work(thread=True, exclusive=True, group="filter-dry-run")
    def _dry_run(self, rule: dict[str, Any]) -> None:
        try:
            matches, watermark = self.gapp.client.filter_dry_run(self.uuid, **rule)
        except GanetiError as exc:
            self.app.call_from_thread(self._show_preview_error, exc.message.splitlines()[0])
            return
        self.app.call_from_thread(self.show_preview, rule, matches, watermark)

    def _show_preview_error(self, message: str) -> None:
        self.query_one("#preview-summary", Static).update(Text(f"dry run failed: {message}", style="red"))

    def show_preview(self, rule: dict[str, Any], matches: list[dict[str, Any]], watermark: int) -> None:
        if rule != self.rule:
            return  # the rule changed meanwhile; its own dry run follows
        self.matches, self.watermark, self.previewed = matches, watermark, rule
        effects: dict[str, int] = {}
        for match in matches:
            effects[match["effect"]] = effects.get(match["effect"], 0) + 1
        summary = Text(f"Dry run: watermark {watermark}; matches {len(matches)} queued or running job(s)")
        if effects:
            summary.append(": " + ", ".join(f"{n} {effect}" for effect, n in sorted(effects.items())))
        self.query_one("#preview-summary", Static).update(summary)
        self.query_one("#preview", VirtualTable).set_rows((m["job_id"], m) for m in matches)

    # -- saving ---------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        if not self.valid or self.rule is None:
            self.notify("the rule is not valid yet: fix the marked fields", severity="error")
            return
        self._save(dict(self.rule))

    @work(exclusive=True, group="filter-save")
    async def _save(self, rule: dict[str, Any]) -> None:
        command = filter_command(rule, self.uuid)
        matched = "" if self.matches is None else f" It matches {len(self.matches)} job(s) now."
        question = (f"Replace rule {self.uuid}?" if self.uuid else "Add this filter rule?") + matched
        if not await self.gapp.confirm(question, command):
            return
        try:
            uuid = await self._replace(rule)
        except GanetiError as exc:
            self.query_one("#json-error", Label).update(exc.message.splitlines()[0])
            self.notify(exc.message.splitlines()[0], title="not saved", severity="error")
            return
        self.gapp.teach(command)
        self.dismiss(uuid)

    async def _replace(self, rule: dict[str, Any]) -> str:
        import asyncio

        client = self.gapp.client
        return await asyncio.to_thread(client.replace_filter, self.uuid, **rule)


__all__ = ["FilterForm", "check_rule", "expression_text", "filter_command", "parse_expression",
           "user_reason"]
