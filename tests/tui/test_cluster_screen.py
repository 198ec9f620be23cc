"""The Cluster screen against a real master: live nodes and instances, drill-down, the `/` filter."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from rich.console import Console
from textual.widgets import Label, Static

from shell.cli.fields import filter_objects, query_filter
from shell.client import ClusterClient
from shell.tui.app import GanetiApp
from shell.tui.screens.cluster import ClusterScreen, InstanceScreen
from shell.tui.widgets.virtual_table import VirtualTable
from tests.tui.conftest import async_test, wait_until

SIZE = (130, 36)


async def without_toasts(pilot: Any) -> None:
    """Once the app has said it is connected, drop its notifications (they time out on their own)."""
    await wait_until(pilot, lambda: "· connected" in pilot.app.sub_title, "the connection")
    pilot.app.clear_notifications()
    await pilot.pause()


async def open_cluster(app: GanetiApp, pilot: Any) -> ClusterScreen:
    await pilot.press("5")
    screen = await wait_until(pilot, lambda: isinstance(app.screen, ClusterScreen) and app.screen,
                              "the cluster screen")
    await wait_until(pilot, lambda: table(screen, "nodes").row_count == 3
                     and table(screen, "instances").row_count >= 4, "nodes and instances")
    return screen  # type: ignore[no-any-return]


def rendered(renderable: Any) -> str:
    out = io.StringIO()
    Console(file=out, width=120).print(renderable)
    return out.getvalue()


def table(screen: ClusterScreen, name: str) -> VirtualTable:
    return screen.query_one(f"#{name}", VirtualTable)


def test_snapshot_cluster_screen(snap_compare: Any, make_app: Callable[..., GanetiApp]) -> None:
    async def ready(pilot: Any) -> None:
        await open_cluster(pilot.app, pilot)
        await without_toasts(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


@async_test
async def test_nodes_and_instances_show_their_live_state_and_use(make_app: Callable[..., GanetiApp],
                                                                 client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cluster(app, pilot)
        nodes = {n["name"]: n for n in client.query("node", live=True)}
        for name, node in nodes.items():
            row = table(screen, "nodes").rows[name]
            live = node["live"]
            assert row["memory"] == (live["mtotal"] - live["mfree"]) / live["mtotal"]
            assert row["disk"] == (live["dtotal"] - live["dfree"]) / live["dtotal"]
            assert row["pinst"] == len(node["pinst_list"])
        assert table(screen, "nodes").rows["node1.demo"]["role"] == "master"
        for inst in client.query("instance", live=True):
            row = table(screen, "instances").rows[inst["name"]]
            assert (row["status"], row["pnode"], row["template"]) == (
                inst["status"], inst["pnode"], inst["disk_template"])
        assert table(screen, "instances").rows["web1.demo"]["status"] == "running"
        assert table(screen, "instances").rows["batch1.demo"]["status"] == "ADMIN_down"


@async_test
async def test_enter_on_a_node_shows_its_instances_and_escape_shows_all(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cluster(app, pilot)
        every = table(screen, "instances").row_count
        nodes = table(screen, "nodes")
        nodes.focus()
        nodes.move_cursor("node2.demo")
        await pilot.press("enter")
        expected = sorted(i["name"] for i in client.query("instance")
                          if i["pnode"] == "node2.demo" or "node2.demo" in i["snodes"])
        instances = table(screen, "instances")
        await wait_until(pilot, lambda: sorted(instances.ordered_keys()) == expected, "node2's instances")
        assert screen.focused is instances and "node2.demo" in str(instances.border_title)
        await pilot.press("escape")
        await wait_until(pilot, lambda: instances.row_count == every, "every instance again")
        assert screen.focused is nodes


@async_test
async def test_enter_on_an_instance_opens_its_details(make_app: Callable[..., GanetiApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cluster(app, pilot)
        await pilot.press("i")
        instances = table(screen, "instances")
        assert screen.focused is instances
        instances.move_cursor("db1.demo")
        await pilot.press("enter")
        detail = await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen) and app.screen,
                                  "the instance screen")
        text = rendered(detail.query_one("#info", Static).content)
        assert "db1.demo" in text and "Primary node" in text and "node3.demo" in text
        await pilot.press("r")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the cluster screen again")
        await pilot.press("n")
        assert screen.focused is table(screen, "nodes")


@async_test
async def test_slash_filters_the_focused_table_as_F_does(make_app: Callable[..., GanetiApp],
                                                         client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cluster(app, pilot)
        await pilot.press("i", "slash", *'pnode == "node2" or status == "ADMIN_down"', "enter")
        compiled = query_filter("instance", ['pnode == "node2" or status == "ADMIN_down"'], force=True)
        expected = sorted(i["name"] for i in filter_objects("instance", compiled, client.query("instance", live=True)))
        instances = table(screen, "instances")
        await wait_until(pilot, lambda: sorted(instances.ordered_keys()) == expected, "the filtered instances")
        assert expected and len(expected) < 4
        assert screen.focused is instances

        await pilot.press("n", "slash", *"nosuch == 1")
        error = screen.query_one("#query-error", Label)
        await wait_until(pilot, lambda: "Can't find field named 'nosuch'" in str(error.render()), "the error")
        assert table(screen, "nodes").row_count == 3  # a bad filter leaves the table as it was
        await pilot.press("ctrl+u", *'name == "node1"', "enter")
        await wait_until(pilot, lambda: table(screen, "nodes").ordered_keys() == ["node1.demo"], "node1 only")
        await pilot.press("slash", "escape")
        await wait_until(pilot, lambda: table(screen, "nodes").row_count == 3, "every node again")
        assert sorted(instances.ordered_keys()) == expected  # each table keeps its own filter


@async_test
async def test_new_instances_appear_on_refresh(make_app: Callable[..., GanetiApp],
                                               client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cluster(app, pilot)
        job = client.submit_job([{
            "OP_ID": "OP_INSTANCE_CREATE", "instance_name": "fresh.demo", "mode": "create",
            "disk_template": "diskless", "disks": [], "nics": [], "beparams": {"memory": 128},
            "pnode": "node3.demo", "os_type": "noop", "name_check": False, "ip_check": False,
        }])
        assert client.wait_job(job)["status"] == "success"
        await pilot.press("r")
        await wait_until(pilot, lambda: "fresh.demo" in table(screen, "instances").rows, "the new instance")
        node3 = table(screen, "nodes").rows["node3.demo"]
        await wait_until(pilot, lambda: table(screen, "nodes").rows["node3.demo"]["pinst"] == node3["pinst"]
                         and node3["pinst"] == len(client.query("node", ["node3.demo"])[0]["pinst_list"]),
                         "node3's instance count")
