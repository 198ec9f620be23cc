"""The Overview screen against a real master: queue trends, jobs by status, nodes, score, N+1, rules."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from textual.widgets import Label, Sparkline, Static

from shell.client import ClusterClient
from shell.tui.app import GanetiApp
from shell.tui.feed import HistoryPoint
from shell.tui.screens.overview import OverviewScreen, rule_text
from shell.tui.widgets.virtual_table import VirtualTable
from tests.tui.conftest import async_test, delay_job, wait_until

SIZE = (120, 40)


async def without_toasts(pilot: Any) -> None:
    """Once the app has said it is connected, drop its notifications (they time out on their own)."""
    await wait_until(pilot, lambda: "· connected" in pilot.app.sub_title, "the connection")
    pilot.app.clear_notifications()
    await pilot.pause()


async def overview_ready(app: GanetiApp, pilot: Any) -> OverviewScreen:
    screen = await wait_until(pilot, lambda: isinstance(app.screen, OverviewScreen) and app.screen,
                              "the overview as the first screen")
    await wait_until(pilot, lambda: screen.query_one("#nodes", VirtualTable).row_count == 3
                     and "score" in text(screen.query_one("#health", Static)), "the cluster state")
    return screen  # type: ignore[no-any-return]


def text(widget: Static | Label) -> str:
    return str(widget.render())


def test_snapshot_overview(snap_compare: Any, make_app: Callable[..., GanetiApp]) -> None:
    # A fixed ten minutes of history: a burst that drains, so the sparklines have a shape.
    history = deque((HistoryPoint(s, max(0, 40 - abs(s - 300) // 4), (s // 7) % 5) for s in range(600)),
                    maxlen=600)

    async def ready(pilot: Any) -> None:
        app = pilot.app
        await wait_until(pilot, lambda: app.feed.connected, "the queue stream")
        app.feed.history = history
        app.feed._tick = lambda now: None  # the clock stands still for the picture
        screen = await overview_ready(app, pilot)
        await without_toasts(pilot)
        screen.update_queue()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


@async_test
async def test_overview_is_the_first_screen_with_nodes_score_and_n1(make_app: Callable[..., GanetiApp],
                                                                    client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await overview_ready(app, pilot)
        plan, _ = client.balance_preview()
        health = text(screen.query_one("#health", Static))
        assert f"Group default: score {plan['initial_score']:.8f}" in health
        assert "N+1: every node can take over its secondaries" in health
        assert plan["n1_fail"] == []
        assert "demo-cluster · master node1.demo" in health
        nodes = screen.query_one("#nodes", VirtualTable)
        for node in client.query("node", live=True):
            live = node["live"]
            assert nodes.rows[node["name"]]["memory"] == (live["mtotal"] - live["mfree"]) / live["mtotal"]
            assert nodes.rows[node["name"]]["pinst"] == len(node["pinst_list"])


@async_test
async def test_slash_filters_the_nodes_as_gnt_node_list_F(make_app: Callable[..., GanetiApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await overview_ready(app, pilot)
        nodes = screen.query_one("#nodes", VirtualTable)
        await pilot.press("slash", *'name == "node2" or pinst_cnt > 1', "enter")
        await wait_until(pilot, lambda: nodes.ordered_keys() == ["node2.demo"], "node2 alone")
        await pilot.press("slash", "ctrl+u", *"mfree >")
        error = screen.query_one("#query-error", Label)
        await wait_until(pilot, lambda: "Failed to parse query filter" in text(error), "the parse error")
        await pilot.press("escape")
        await wait_until(pilot, lambda: nodes.row_count == 3, "every node again")


@async_test
async def test_jobs_by_status_and_throughput_follow_the_queue(make_app: Callable[..., GanetiApp],
                                                              client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await overview_ready(app, pilot)
        await wait_until(pilot, lambda: app.feed.connected, "the queue stream")
        before = app.feed.status_counts.get("success", 0)
        job_id = delay_job(client, 2, reason="overview test")
        await wait_until(pilot, lambda: job_id in app.feed.jobs, "the job in the feed")
        depth = screen.query_one("#depth-label", Label)
        await wait_until(pilot, lambda: text(depth).startswith("Queue depth 1 now"), "the queue depth")
        assert client.wait_job(job_id)["status"] == "success"
        statuses = screen.query_one("#statuses", Static)
        await wait_until(pilot, lambda: f"success {before + 1}" in text(statuses), "the new success count")
        await wait_until(pilot, lambda: sum(p.finished for p in app.feed.history) >= 1, "the finished job")
        await wait_until(pilot, lambda: max(screen.query_one("#throughput", Sparkline).data or [0]) >= 1,
                         "the throughput sparkline")
        assert "jobs finished in the last minute" in text(screen.query_one("#throughput-label", Label))


@async_test
async def test_active_rules_are_listed_and_r_refreshes(make_app: Callable[..., GanetiApp],
                                                       client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await overview_ready(app, pilot)
        rules = screen.query_one("#rules", VirtualTable)
        assert rules.row_count == 0
        uuid = client.replace_filter(None, 4, [["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]]], ["RATE_LIMIT", 2])
        try:
            await pilot.press("r")
            await wait_until(pilot, lambda: uuid in rules.rows, "the new rule")
            row = rules.rows[uuid]
            assert (row["priority"], row["action"]) == (4, "RATE_LIMIT 2")
            assert row["predicates"] == rule_text(client.query_filters([uuid])[0]) == (
                'opcode: OP_ID == "OP_TEST_DELAY"')
        finally:
            client.delete_filter(uuid)
        await pilot.press("r")
        await wait_until(pilot, lambda: rules.row_count == 0, "the rule gone")


@async_test
async def test_n1_failure_is_named(make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    job = client.submit_job([{"OP_ID": "OP_CLUSTER_SET_PARAMS",
                              "enabled_disk_templates": ["file", "diskless", "drbd"]}])
    assert client.wait_job(job)["status"] == "success"
    for name, template, memory, pnode, snode in (("filler.demo", "diskless", 4096, "node3.demo", None),
                                                 ("big.demo", "drbd", 12288, "node2.demo", "node3.demo")):
        op: dict[str, Any] = {
            "OP_ID": "OP_INSTANCE_CREATE", "instance_name": name, "mode": "create", "disk_template": template,
            "disks": [] if template == "diskless" else [{"size": 1024}], "nics": [], "start": True,
            "beparams": {"memory": memory}, "pnode": pnode, "os_type": "noop", "name_check": False,
            "ip_check": False, **({"snode": snode} if snode else {}),
        }
        done = client.wait_job(client.submit_job([op]))
        assert done["status"] == "success", done["opresult"]
    plan, _ = client.balance_preview()
    assert plan["n1_fail"] == ["node3.demo"]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await overview_ready(app, pilot)
        assert "N+1: 1 node(s) fail: node3.demo" in text(screen.query_one("#health", Static))
