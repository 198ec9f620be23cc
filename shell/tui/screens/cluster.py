"""The Cluster screen (key 5): nodes and instances with their live state and utilisation.

Enter on a node drills down to its instances (primary or secondary), Enter on
an instance opens its details; ``/`` filters the focused table with the query
language of ``-F`` on ``gnt-node list`` and ``gnt-instance list``. The tables
are refreshed from the master in a thread every few seconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Input, Label, Static

from agent.errors import GanetiError
from shell.cli.fields import FIELDS, query_filter
from shell.cli.format import format_unit
from shell.tui.screens.base import GanetiScreen
from shell.tui.widgets.bars import instance_vcpus, node_usage, usage_bar
from shell.tui.widgets.virtual_table import Column, VirtualTable

if TYPE_CHECKING:
    from shell.tui.feed import QueueFeed

REFRESH = 5.0
RowFilter = Callable[[Mapping[str, Any]], bool]
STATUS_STYLE = {"running": "green", "ADMIN_down": "dim", "ADMIN_offline": "dim", "USER_down": "yellow",
                "ERROR_up": "bold red", "ERROR_down": "bold red", "ERROR_nodedown": "red",
                "ERROR_nodeoffline": "red", "ERROR_wrongnode": "bold red"}


def object_filter(kind: str, text: str) -> RowFilter | None:
    """A row predicate from ``-F`` text for rows holding their object under ``"_obj"``.

    Empty text means no filter; a filter that does not parse or names an
    unknown field raises GanetiError with the query language's own message.
    """
    if not text.strip():
        return None
    compiled = query_filter(kind, [text], force=True)
    if compiled is None:
        return None
    by_name = {f.name: f for f in FIELDS[kind][0]}

    def passes(row: Mapping[str, Any]) -> bool:
        obj = row["_obj"]

        def get(name: str) -> Any:
            from agent import qlang

            value = by_name[name].get(obj)
            return qlang.UNAVAILABLE if value is None else value

        return bool(compiled.matches(get))

    return passes


def field_filter(kinds: Mapping[str, Any]) -> Callable[[str], RowFilter | None]:
    """A ``/`` compiler for tables whose rows hold the named query fields directly."""
    from agent import qlang

    def compile(text: str) -> RowFilter | None:
        if not text.strip():
            return None
        compiled = qlang.QueryFilter(qlang.parse(text), dict(kinds))
        return lambda row: bool(compiled.matches(lambda name: row[name]))

    return compile


class QueryBar(Input):
    """The ``/`` filter line: the query language over one table's rows, errors shown inline.

    ``compile`` turns the text into a row predicate (or raises GanetiError);
    the bar applies it to ``table`` as the operator types, Enter keeps it and
    returns to the table, Escape clears it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "clear_filter", "Clear filter")]

    def __init__(self, error_id: str = "query-error", id: str | None = None) -> None:
        super().__init__(placeholder="query filter, e.g. status == \"running\" and pnode =~ /node1/",
                         id=id)
        self.error_id = error_id
        self.table: VirtualTable | None = None
        self.compile: Callable[[str], RowFilter | None] = lambda text: None
        self.texts: dict[str, str] = {}  # the filter of each table, by table id

    def attach(self, table: VirtualTable, compile: Callable[[str], RowFilter | None]) -> None:
        self.table, self.compile = table, compile
        self.value = self.texts.get(table.id or "", "")
        self.display = True
        self.focus()

    @property
    def error_label(self) -> Label:
        return self.screen.query_one(f"#{self.error_id}", Label)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.apply(event.value)

    def apply(self, text: str) -> bool:
        if self.table is None:
            return False
        try:
            predicate = self.compile(text)
        except GanetiError as exc:
            self.error_label.update(Text(exc.message.splitlines()[0], style="red"))
            self.error_label.display = True
            return False
        self.error_label.display = False
        self.texts[self.table.id or ""] = text
        self.table.set_filter(predicate)
        self.table.border_subtitle = f"/ {text}" if text.strip() else ""
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.apply(event.value):
            self._leave()

    def action_clear_filter(self) -> None:
        self.value = ""
        self.apply("")
        self._leave()

    def _leave(self) -> None:
        self.display = False
        self.error_label.display = False
        if self.table is not None:
            self.table.focus()


def _bar(value: Any, row: Any) -> Text:
    return usage_bar(value, 8)


def _mib(value: Any, row: Any) -> str:
    return "?" if value is None else format_unit(value, "h")


def _status(value: Any, row: Any) -> Text:
    return Text(str(value or "?"), style=STATUS_STYLE.get(str(value), ""))


def node_row(node: dict[str, Any], vcpus: int) -> dict[str, Any]:
    usage = node_usage(node, vcpus)
    live = node.get("live") or {}
    flags = [f for f, on in (("offline", node.get("offline")), ("drained", node.get("drained"))) if on]
    role = {"M": "master", "C": "candidate", "R": "regular"}.get(str(node.get("role")), "")
    return {
        "name": node["name"], "role": role, "state": ",".join(flags) or "online",
        "group": node.get("group_name", ""), "memory": usage["memory"], "disk": usage["disk"],
        "cpu": usage["cpu"], "mfree": live.get("mfree"), "dfree": live.get("dfree"),
        "pinst": len(node.get("pinst_list") or []), "sinst": len(node.get("sinst_list") or []),
        "_obj": node,
    }


def instance_row(inst: dict[str, Any]) -> dict[str, Any]:
    be = inst.get("be_filled") or {}
    return {
        "name": inst["name"], "status": inst.get("status"), "pnode": inst.get("pnode") or "",
        "snodes": ",".join(inst.get("snodes") or []), "template": inst.get("disk_template", ""),
        "memory": inst.get("oper_ram") if inst.get("oper_ram") is not None else be.get("maxmem"),
        "vcpus": be.get("vcpus"), "disks": sum(inst.get("disk_sizes") or []), "os": inst.get("os", ""),
        "_obj": inst,
    }


def instance_info(inst: dict[str, Any]) -> Table:
    """An instance's configuration and live state, as ``gnt-instance info`` groups them."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    be = inst.get("be_filled") or {}
    rows: list[tuple[str, Any]] = [
        ("Instance name", inst.get("name")), ("UUID", inst.get("uuid")),
        ("State", f"configured to be {inst.get('admin_state')}, actual state is "
                  f"{'running' if inst.get('oper_state') else 'down'} ({inst.get('status')})"),
        ("Primary node", inst.get("pnode")), ("Secondary nodes", ", ".join(inst.get("snodes") or []) or "-"),
        ("Operating system", inst.get("os")), ("Hypervisor", inst.get("hypervisor")),
        ("Disk template", inst.get("disk_template")),
        ("Memory", f"{_mib(be.get('minmem'), None)} – {_mib(be.get('maxmem'), None)} configured, "
                   f"{_mib(inst.get('oper_ram'), None) if inst.get('oper_ram') is not None else '-'} in use"),
        ("VCPUs", f"{be.get('vcpus')} configured, {inst.get('oper_vcpus') or '-'} in use"),
        ("Auto balance", be.get("auto_balance")),
    ]
    for i, size in enumerate(inst.get("disk_sizes") or []):
        rows.append((f"Disk/{i}", _mib(size, None)))
    for i, nic in enumerate(inst.get("nics") or []):
        params = nic.get("nicparams") or {}
        rows.append((f"NIC/{i}", f"MAC {nic.get('mac')}, IP {nic.get('ip') or '-'}, "
                                 f"mode {params.get('mode', '-')}, link {params.get('link', '-')}"))
    rows += [("Hypervisor parameters", json.dumps(inst.get("hvparams") or {})),
             ("Tags", ", ".join(inst.get("tags") or []) or "-"),
             ("Serial number", inst.get("serial_no"))]
    for key, value in rows:
        table.add_row(key, Text("-" if value is None else str(value)))
    return table


class InstanceScreen(GanetiScreen):
    """One instance's details (Enter on an instance in the Cluster screen); Escape goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "refresh_instance", "Refresh"),
    ]

    def __init__(self, inst: dict[str, Any]) -> None:
        super().__init__()
        self.inst = inst

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="instance-info"):
            yield Static(instance_info(self.inst), id="info")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#instance-info").border_title = f"Instance {self.inst['name']}"

    def on_queue_feed_changed(self, message: QueueFeed.Changed) -> None:
        message.stop()  # handled here: it must not bubble back to the app that forwarded it

    def on_queue_feed_connection_changed(self, message: QueueFeed.ConnectionChanged) -> None:
        message.stop()

    def action_refresh_instance(self) -> None:
        self._fetch()

    @work(thread=True, exclusive=True, group="instance-info")
    def _fetch(self) -> None:
        app = self.gapp
        try:
            (inst,) = app.client.query("instance", [self.inst["name"]], live=True)
        except GanetiError as exc:
            app.call_from_thread(self.notify, exc.message.splitlines()[0], severity="error")
            return
        self.inst = inst
        app.call_from_thread(self.query_one("#info", Static).update, instance_info(inst))


class ClusterScreen(GanetiScreen):
    """Nodes and instances, live; drill down from a node to its instances and to one instance."""

    CSS_PATH = Path(__file__).with_name("cluster.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "focus_table('nodes')", "Nodes"),
        Binding("i", "focus_table('instances')", "Instances"),
        Binding("slash", "filter", "Filter"),
        Binding("escape", "back", "Back", show=False),
        Binding("r", "refresh_cluster", "Refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.node_scope: str | None = None  # the node drilled into
        self.instances: dict[str, dict[str, Any]] = {}

    def compose(self) -> ComposeResult:
        yield VirtualTable([
            Column("name", "Node"), Column("role", "Role", width=9), Column("state", "State", width=7),
            Column("group", "Group"),
            Column("memory", "Memory", width=13, render=_bar),
            Column("disk", "Disk", width=13, render=_bar),
            Column("cpu", "CPU", width=13, render=_bar),
            Column("mfree", "MFree", width=7, render=_mib), Column("dfree", "DFree", width=7, render=_mib),
            Column("pinst", "Pinst", width=5), Column("sinst", "Sinst", width=5),
        ], empty_text="(no nodes)", id="nodes")
        yield VirtualTable([
            Column("name", "Instance"), Column("status", "Status", width=14, render=_status),
            Column("pnode", "Primary"), Column("snodes", "Secondary"), Column("template", "Template"),
            Column("memory", "Memory", width=7, render=_mib), Column("vcpus", "VCPUs", width=5),
            Column("disks", "Disks", width=7, render=_mib), Column("os", "OS"),
        ], empty_text="(no instances)", id="instances")
        yield Label("", id="query-error")
        yield QueryBar(id="query")
        yield Footer()

    def on_mount(self) -> None:
        nodes = self.query_one("#nodes", VirtualTable)
        nodes.border_title = "Nodes"
        nodes.sort_by("name")
        instances = self.query_one("#instances", VirtualTable)
        instances.border_title = "Instances"
        instances.sort_by("name")
        self.query_one(QueryBar).display = False
        self.query_one("#query-error").display = False
        nodes.focus()
        self.action_refresh_cluster()
        self.set_interval(REFRESH, self.action_refresh_cluster)

    # -- data ----------------------------------------------------------------------

    def on_queue_feed_changed(self, message: QueueFeed.Changed) -> None:
        message.stop()  # handled here: it must not bubble back to the app that forwarded it

    def on_queue_feed_connection_changed(self, message: QueueFeed.ConnectionChanged) -> None:
        message.stop()

    def action_refresh_cluster(self) -> None:
        self._fetch()

    @work(thread=True, exclusive=True, group="cluster-refresh")
    def _fetch(self) -> None:
        client = self.gapp.client
        try:
            nodes = client.query("node", live=True)
            instances = client.query("instance", live=True)
        except GanetiError as exc:
            self.app.call_from_thread(self._show_error, exc.message.splitlines()[0])
            return
        self.app.call_from_thread(self.show, nodes, instances)

    def _show_error(self, message: str) -> None:
        self.query_one("#nodes", VirtualTable).border_subtitle = f"cannot read the cluster: {message}"

    def show(self, nodes: list[dict[str, Any]], instances: list[dict[str, Any]]) -> None:
        vcpus = instance_vcpus(instances)
        node_table = self.query_one("#nodes", VirtualTable)
        node_table.border_subtitle = ""
        self._replace(node_table, {n["name"]: node_row(n, vcpus.get(n["name"], 0)) for n in nodes})
        self.instances = {i["name"]: i for i in instances}
        self._replace(self.query_one("#instances", VirtualTable),
                      {name: instance_row(i) for name, i in self.instances.items()})

    @staticmethod
    def _replace(table: VirtualTable, rows: dict[str, dict[str, Any]]) -> None:
        gone = [k for k in table.rows if k not in rows]
        changed = [(k, r) for k, r in rows.items() if table.rows.get(k) != r]
        table.apply(changed, gone)

    # -- drill-down ----------------------------------------------------------------

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        if event.table.id == "nodes":
            self.drill_into(str(event.key))
        elif event.table.id == "instances":
            inst = self.instances.get(str(event.key))
            if inst is not None:
                self.app.push_screen(InstanceScreen(inst))

    def drill_into(self, node: str | None) -> None:
        """Show only the instances of ``node`` (None: every instance)."""
        self.node_scope = node
        self._apply_instance_filter()
        table = self.query_one("#instances", VirtualTable)
        table.border_title = f"Instances on {node}" if node else "Instances"
        if node:
            table.focus()

    def _apply_instance_filter(self) -> None:
        text = self.query_one(QueryBar).texts.get("instances", "")
        try:
            predicate = object_filter("instance", text)
        except GanetiError:
            predicate = None
        self.query_one("#instances", VirtualTable).set_filter(self._scoped(predicate))

    def _scoped(self, predicate: RowFilter | None) -> RowFilter | None:
        """``predicate`` limited to the instances of the node drilled into, if any."""
        scope = self.node_scope
        if scope is None:
            return predicate

        def on_node(row: Mapping[str, Any]) -> bool:
            obj = row["_obj"]
            return (obj.get("pnode") == scope or scope in (obj.get("snodes") or [])) and (
                predicate is None or predicate(row))

        return on_node

    def action_back(self) -> None:
        if self.node_scope is not None:
            self.drill_into(None)
            self.query_one("#nodes", VirtualTable).focus()

    def action_focus_table(self, which: str) -> None:
        self.query_one(f"#{which}", VirtualTable).focus()

    # -- the / filter -----------------------------------------------------------------

    def action_filter(self) -> None:
        focused = self.focused
        table = focused if isinstance(focused, VirtualTable) else self.query_one("#nodes", VirtualTable)
        kind = "node" if table.id == "nodes" else "instance"
        bar = self.query_one(QueryBar)

        def compile(text: str) -> RowFilter | None:
            predicate = object_filter(kind, text)
            return self._scoped(predicate) if kind == "instance" else predicate

        bar.attach(table, compile)


__all__ = ["ClusterScreen", "InstanceScreen", "QueryBar", "field_filter", "instance_info", "instance_row", "node_row",
           "object_filter"]
