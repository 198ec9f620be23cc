"""The Balance screen against a real master: the preview, its options, accepting it and the jobs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Button, Checkbox, Input, Label, RichLog, Static

from shell.client import ClusterClient
from shell.tui.app import GanetiApp
from shell.tui.screens.balance import BalanceRequest, BalanceScreen, parse_request
from shell.tui.widgets.virtual_table import VirtualTable
from tests.integration.conftest import create_instance as create
from tests.tui.conftest import async_test, confirmation, wait_until

SIZE = (130, 40)


async def without_toasts(pilot: Any) -> None:
    """Once the app has said it is connected, drop its notifications (they time out on their own)."""
    await wait_until(pilot, lambda: "· connected" in pilot.app.sub_title, "the connection")
    pilot.app.clear_notifications()
    await pilot.pause()


async def open_balance(app: GanetiApp, pilot: Any) -> BalanceScreen:
    await pilot.press("4")
    screen = await wait_until(pilot, lambda: isinstance(app.screen, BalanceScreen) and app.screen,
                              "the balance screen")
    await wait_until(pilot, lambda: screen.plan is not None, "the first preview")
    return screen  # type: ignore[no-any-return]


async def preview(pilot: Any, screen: BalanceScreen) -> dict[str, Any]:
    """Ask for a new preview (p) and wait for it."""
    screen.plan = None
    await pilot.press("p")
    await wait_until(pilot, lambda: screen.plan is not None, "the preview")
    assert screen.plan is not None
    return screen.plan


def text(widget: Static | Label) -> str:
    return str(widget.render())



def crowd(client: ClusterClient, prefix: str, node: str = "node1.demo", peer: str = "node2.demo") -> None:
    """Pile instances on ``node`` (with a drbd pair) so that hbal has moves to propose."""
    job = client.submit_job([{"OP_ID": "OP_CLUSTER_SET_PARAMS",
                              "enabled_disk_templates": ["file", "diskless", "drbd"]}])
    assert client.wait_job(job)["status"] == "success"
    for i in range(3):
        create(client, f"{prefix}{i}.demo", "diskless", node)
    create(client, f"{prefix}-pair.demo", "drbd", node, peer, memory=1024)


def test_snapshot_balance_screen(snap_compare: Any, make_app: Callable[..., GanetiApp]) -> None:
    async def ready(pilot: Any) -> None:
        await open_balance(pilot.app, pilot)
        await without_toasts(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


def test_options_read_as_hbal_reads_them_and_name_what_is_wrong() -> None:
    assert parse_request("", "", False, False, "") == BalanceRequest()
    request = parse_request("3", "0.5", True, True, "default")
    assert request.options() == {"max_moves": 3, "min_gain": 0.5, "evac_mode": True,
                                 "no_disk_moves": True, "group": "default"}
    assert request.hbal_command() == ("hbal -L -X --max-length=3 --min-gain=0.5 --evac-mode "
                                      "--no-disk-moves --group=default")
    for args, message in [(("x", "", False, False, ""), "max moves must be a whole number"),
                          (("-1", "", False, False, ""), "max moves must not be negative"),
                          (("", "much", False, False, ""), "min gain must be a number, not 'much'")]:
        try:
            parse_request(*args)
        except Exception as exc:
            assert message in str(exc)
        else:
            raise AssertionError(f"{args} accepted")


@async_test
async def test_preview_shows_the_masters_plan_and_every_nodes_use(make_app: Callable[..., GanetiApp],
                                                                  client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_balance(app, pilot)
        plan, _ = client.balance_preview()
        summary = text(screen.query_one("#summary", Static))
        assert f"score {plan['initial_score']:.8f} → {plan['final_score']:.8f}" in summary
        assert "Accepting runs: hbal -L -X" in summary
        nodes = screen.query_one("#nodes", VirtualTable)
        assert sorted(nodes.rows) == sorted(n["name"] for n in plan["nodes"])
        for node in plan["nodes"]:
            assert nodes.rows[node["name"]]["before"] == node["before"]
        assert screen.query_one("#moves", VirtualTable).row_count == len(plan["moves"])
        assert screen.query_one("#accept-button", Button).disabled == (not plan["moves"])


@async_test
async def test_option_inputs_change_the_preview_and_the_command(make_app: Callable[..., GanetiApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_balance(app, pilot)
        await pilot.press("o")
        assert screen.focused is screen.query_one("#max-moves", Input)
        await pilot.press("ctrl+u", "x")
        error = screen.query_one("#options-error", Label)
        await wait_until(pilot, lambda: "max moves must be a whole number" in text(error), "the option error")
        await pilot.press("ctrl+u", "2")
        await wait_until(pilot, lambda: not error.display, "the error to clear")
        screen.query_one("#evac-mode", Checkbox).value = True
        screen.query_one("#no-disk-moves", Checkbox).value = True
        screen.plan = None
        await pilot.press("enter")
        assert screen.focused is screen.query_one("#moves", VirtualTable)
        await wait_until(pilot, lambda: screen.plan is not None, "the preview")
        screen.query_one("#nodes", VirtualTable).focus()
        await pilot.press("m")
        assert screen.focused is screen.query_one("#moves", VirtualTable)
        assert screen.request == BalanceRequest(2, 0.01, True, True, "")
        assert "hbal -L -X --max-length=2 --evac-mode --no-disk-moves" in text(screen.query_one("#summary", Static))


@async_test
async def test_accept_submits_the_plan_and_follows_its_jobs(make_app: Callable[..., GanetiApp],
                                                            client: ClusterClient) -> None:
    crowd(client, "crowd")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_balance(app, pilot)
        plan = await preview(pilot, screen)
        assert plan["moves"] and plan["final_score"] < plan["initial_score"]
        moves = screen.query_one("#moves", VirtualTable)
        assert [moves.rows[k]["instance"] for k in moves.ordered_keys()] == [m["instance"] for m in plan["moves"]]
        first = plan["moves"][0]["instance"]
        await pilot.press("slash", *f'instance == "{first}"', "enter")
        await wait_until(pilot, lambda: [moves.rows[k]["instance"] for k in moves.ordered_keys()] == [
            m["instance"] for m in plan["moves"] if m["instance"] == first], "the filtered moves")
        await pilot.press("slash", "escape")
        await wait_until(pilot, lambda: moves.row_count == len(plan["moves"]), "every move again")
        await pilot.press("a")
        dialog = await confirmation(pilot)
        assert dialog.command == "hbal -L -X"
        await pilot.press("y")
        await wait_until(pilot, lambda: len(screen.results) == len(plan["moves"]), "every job to end", timeout=120)
        assert set(screen.results.values()) == {"success"}, screen.results
        assert app.taught[-1] == "hbal -L -X"
        log = "\n".join(str(line.text) for line in screen.query_one("#jobs", RichLog).lines)
        assert f"Got job IDs {', '.join(map(str, screen.job_ids))}" in log
        assert f"All {len(plan['moves'])} job(s) succeeded." in log
        placed = {i["name"]: i["pnode"] for i in client.query("instance")}
        for move in plan["moves"]:
            assert placed[move["instance"]] == move["new_pnode"]
        after = await wait_until(pilot, lambda: screen.plan and screen.plan is not plan and screen.plan,
                                 "the fresh preview after the jobs")
        assert abs(after["initial_score"] - plan["final_score"]) < 1e-9


@async_test
async def test_accept_is_refused_when_the_cluster_changed_since_the_preview(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    crowd(client, "late", "node2.demo", "node3.demo")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_balance(app, pilot)
        plan = await preview(pilot, screen)
        assert plan["moves"]
        create(client, "latecomer.demo", "diskless", "node2.demo", memory=512)
        await pilot.press("a")
        await confirmation(pilot)
        await pilot.press("y")
        log = screen.query_one("#jobs", RichLog)
        await wait_until(pilot, lambda: any("Refused: cluster configuration changed since the preview"
                                            in str(line.text) for line in log.lines), "the refusal")
        assert screen.job_ids == [] and app.taught == []


@async_test
async def test_read_only_never_submits(make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    crowd(client, "ro", "node3.demo", "node1.demo")
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_balance(app, pilot)
        plan = await preview(pilot, screen)
        assert plan["moves"]
        assert screen.query_one("#accept-button", Button).disabled
        await pilot.press("a")
        await pilot.pause(0.2)
        assert app.screen is screen and screen.job_ids == [] and app.taught == []
    after, _ = client.balance_preview()
    assert after["initial_score"] == plan["initial_score"]
