"""The Overview screen (key 1): the cluster at a glance.

Queue depth and job throughput as sparklines over the last minutes (from the
feed's per-second history), jobs by status, per-node memory/disk/cpu bars,
the cluster score and N+1 state of each node group (from the master's
balance preview), and the active job filter rules. Queue figures follow the
feed; node state, score and rules are fetched in a thread every few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Label, Sparkline, Static

from agent.errors import GanetiError
from shell.tui.screens.base import GanetiScreen
from shell.tui.screens.cluster import QueryBar, object_filter
from shell.tui.widgets.bars import RESOURCES, instance_vcpus, node_usage, spark_series, usage_bar
from shell.tui.widgets.virtual_table import Column, VirtualTable

if TYPE_CHECKING:
    from shell.tui.feed import QueueFeed

WINDOW = 600  # seconds of history in the sparklines
CLUSTER_REFRESH = 5.0
STATUS_ORDER = ("queued", "waiting", "running", "canceling", "success", "error", "canceled")
STATUS_STYLE = {"queued": "cyan", "waiting": "yellow", "running": "bold green", "canceling": "magenta",
                "success": "green", "error": "bold red", "canceled": "dim"}


@dataclass
class ClusterState:
    """What one refresh of the cluster part of the screen fetched."""

    name: str = ""
    master: str = ""
    nodes: list[dict[str, Any]] = field(default_factory=list)
    vcpus: dict[str, int] = field(default_factory=dict)
    groups: list[dict[str, Any]] = field(default_factory=list)  # one balance preview per group
    group_errors: dict[str, str] = field(default_factory=dict)
    rules: list[dict[str, Any]] = field(default_factory=list)


def fetch_cluster_state(client: Any) -> ClusterState:
    """Nodes with live data, the score and N+1 state of every populated group, and the rules."""
    info = client.cluster_info()
    state = ClusterState(name=str(info.get("cluster_name") or info.get("name") or ""),
                         master=str(info.get("master") or ""))
    state.nodes = client.query("node", live=True)
    state.vcpus = instance_vcpus(client.query("instance"))
    for group in client.query("group"):
        if not group.get("node_cnt"):
            continue
        try:
            # One move is enough to tell whether hbal would act; the Balance screen plans them all.
            plan, _ = client.balance_preview(group=group["name"], max_moves=1)
        except GanetiError as exc:
            state.group_errors[str(group["name"])] = exc.message.splitlines()[0]
            continue
        state.groups.append(plan)
    state.rules = client.query_filters()
    return state


def _bar_cell(value: Any, row: Any) -> Text:
    return usage_bar(value, 10)


def _role(node: dict[str, Any]) -> str:
    if node.get("offline"):
        return "offline"
    if node.get("drained"):
        return "drained"
    return {"M": "master", "C": "candidate", "R": "regular"}.get(str(node.get("role")), "")


def rule_text(rule: dict[str, Any]) -> str:
    """A rule's predicates in the query language (JSON where it cannot be said)."""
    from agent import qlang

    parts = []
    for kind, expr in rule.get("predicates") or []:
        try:
            said = qlang.render(expr)
        except GanetiError:
            import json

            said = json.dumps(expr)
        parts.append(f"{kind}: {said}")
    return "; ".join(parts) or "(every job)"


def action_text(action: Any) -> str:
    return f"RATE_LIMIT {action[1]}" if isinstance(action, list) else str(action)


class OverviewScreen(GanetiScreen):
    """Queue trends, jobs by status, node utilisation, score, N+1 and active rules."""

    CSS_PATH = Path(__file__).with_name("overview.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter nodes"),
        Binding("r", "refresh_cluster", "Refresh"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            with Vertical(id="queue-panel", classes="panel"):
                yield Label("", id="depth-label")
                yield Sparkline([], id="depth")
                yield Label("", id="throughput-label")
                yield Sparkline([], id="throughput")
                yield Static("", id="statuses")
            with Vertical(id="cluster-panel", classes="panel"):
                yield Static("Fetching the cluster state…", id="health")
        yield VirtualTable([
            Column("name", "Node"),
            Column("role", "Role"),
            Column("memory", "Memory", width=15, render=_bar_cell),
            Column("disk", "Disk", width=15, render=_bar_cell),
            Column("cpu", "CPU", width=15, render=_bar_cell),
            Column("pinst", "Pinst", width=5),
            Column("sinst", "Sinst", width=5),
        ], empty_text="(no nodes)", id="nodes")
        yield VirtualTable([
            Column("order", "#", width=3),
            Column("priority", "Prio", width=4),
            Column("action", "Action", width=13),
            Column("predicates", "Predicates"),
            Column("uuid", "UUID", width=36),
        ], empty_text="(no filter rules: every job runs)", id="rules")
        yield Label("", id="query-error")
        yield QueryBar(id="query")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#queue-panel").border_title = "Queue"
        self.query_one("#cluster-panel").border_title = "Cluster"
        self.query_one("#nodes").border_title = "Nodes"
        self.query_one("#rules").border_title = "Active filter rules"
        self.query_one("#rules", VirtualTable).sort_by("order")
        self.query_one(QueryBar).display = False
        self.query_one("#query-error").display = False
        self.update_queue()
        self.set_interval(1.0, self.update_queue)
        self.set_interval(CLUSTER_REFRESH, self.action_refresh_cluster)
        self.action_refresh_cluster()

    # -- queue ---------------------------------------------------------------------

    def on_queue_feed_changed(self, message: QueueFeed.Changed) -> None:
        message.stop()  # handled here: it must not bubble back to the app that forwarded it
        self.update_queue()

    def on_queue_feed_connection_changed(self, message: QueueFeed.ConnectionChanged) -> None:
        message.stop()
        self.update_queue()

    def update_queue(self) -> None:
        feed = self.gapp.feed
        history = list(feed.history)
        width = max(10, self.query_one("#depth", Sparkline).size.width or 60)
        bucket = max(1, -(-min(len(history), WINDOW) // width))
        depth = spark_series(history, "depth", WINDOW, bucket, combine=max)
        done = spark_series(history, "finished", WINDOW, bucket)
        minutes = max(1, round(min(len(history), WINDOW) / 60))
        self.query_one("#depth", Sparkline).data = depth or [0.0]
        self.query_one("#throughput", Sparkline).data = done or [0.0]
        recent = sum(p.finished for p in history[-60:])
        peak = max((p.depth for p in history[-WINDOW:]), default=feed.depth)
        self.query_one("#depth-label", Label).update(
            f"Queue depth {feed.depth} now, peak {peak} in the last {minutes} min")
        self.query_one("#throughput-label", Label).update(
            f"Throughput {recent} jobs finished in the last minute")
        self.query_one("#statuses", Static).update(self._statuses(feed))

    @staticmethod
    def _statuses(feed: QueueFeed) -> Text:
        counts = {s: n for s, n in feed.status_counts.items() if n > 0}
        text = Text("Jobs: ")
        if not counts:
            text.append("none in the queue", style="dim")
        ordered = [s for s in STATUS_ORDER if s in counts] + sorted(set(counts) - set(STATUS_ORDER))
        for i, status in enumerate(ordered):
            if i:
                text.append("  ")
            text.append(f"{status} {counts[status]}", style=STATUS_STYLE.get(status, ""))
        if not feed.connected:
            text.append("\n")
            text.append(f"queue stream lost: {feed.error or 'reconnecting'}", style="bold red")
        return text

    # -- cluster -------------------------------------------------------------------

    def action_refresh_cluster(self) -> None:
        self._fetch_cluster()

    @work(thread=True, exclusive=True, group="overview-cluster")
    def _fetch_cluster(self) -> None:
        try:
            state = fetch_cluster_state(self.gapp.client)
        except GanetiError as exc:
            self.app.call_from_thread(self._show_error, exc.message.splitlines()[0])
            return
        self.app.call_from_thread(self.show_cluster, state)

    def _show_error(self, message: str) -> None:
        self.query_one("#health", Static).update(Text(f"Cannot read the cluster: {message}", style="red"))

    def show_cluster(self, state: ClusterState) -> None:
        self.query_one("#health", Static).update(self._health(state))
        self.query_one("#nodes", VirtualTable).set_rows(
            (node["name"], self._node_row(node, state.vcpus.get(node["name"], 0))) for node in state.nodes)
        self.query_one("#rules", VirtualTable).set_rows(
            (rule["uuid"], {
                "order": i + 1, "priority": rule["priority"], "action": action_text(rule["action"]),
                "predicates": rule_text(rule), "uuid": rule["uuid"],
            }) for i, rule in enumerate(state.rules))

    @staticmethod
    def _node_row(node: dict[str, Any], vcpus: int) -> dict[str, Any]:
        usage = node_usage(node, vcpus)
        row: dict[str, Any] = {"name": node["name"], "role": _role(node),
                               "pinst": len(node.get("pinst_list") or []),
                               "sinst": len(node.get("sinst_list") or []), "_obj": node}
        row.update({r: usage[r] for r in RESOURCES})
        return row

    def action_filter(self) -> None:
        """``/``: the nodes table filtered as ``gnt-node list -F`` filters."""
        self.query_one(QueryBar).attach(self.query_one("#nodes", VirtualTable),
                                        lambda text: object_filter("node", text))

    @staticmethod
    def _health(state: ClusterState) -> Text:
        text = Text()
        text.append(state.name or "cluster", style="bold")
        if state.master:
            text.append(f" · master {state.master}")
        for plan in state.groups:
            text.append(f"\nGroup {plan['group']}: score ")
            text.append(f"{plan['initial_score']:.8f}", style="bold")
            text.append(f" (optimal {plan['optimal_score']:.8f})")
            failing = plan.get("n1_fail") or []
            text.append("\n  N+1: ")
            if failing:
                text.append(f"{len(failing)} node(s) fail: {', '.join(failing)}", style="bold red")
            else:
                text.append("every node can take over its secondaries", style="green")
            moves = plan.get("moves") or []
            text.append("\n  Balance: ")
            if moves:
                text.append(f"hbal would move instances; the first move brings the score to "
                            f"{plan['final_score']:.8f} (see 4 Balance)", style="yellow")
            else:
                text.append(plan.get("why") or "nothing to do", style="dim")
        for group, error in sorted(state.group_errors.items()):
            text.append(f"\nGroup {group}: ")
            text.append(error, style="red")
        return text


__all__ = ["ClusterState", "OverviewScreen", "action_text", "fetch_cluster_state", "rule_text"]
