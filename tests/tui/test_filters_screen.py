"""The Filters screen and its rule form against a real master: order, add, edit, delete, reorder, `/`."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from agent import qlang
from agent.errors import GanetiError
from shell.client import ClusterClient
from shell.demo import Demo
from shell.tui.app import GanetiApp
from shell.tui.screens.filter_form import FilterForm, filter_command
from shell.tui.screens.filters import FiltersScreen
from tests.integration.conftest import cli
from tests.tui.conftest import async_test, confirmation, delay_job, wait_until

SIZE = (130, 40)
UUID_A = "0a0a0a0a-0000-4000-8000-00000000000a"
UUID_B = "0b0b0b0b-0000-4000-8000-00000000000b"


@pytest.fixture(autouse=True)
def no_rules(client: ClusterClient) -> Iterator[None]:
    """Each test starts and ends with no rule and no unfinished job."""
    yield
    for rule in client.query_filters():
        client.delete_filter(rule["uuid"])
    jobs, _ = client.get_jobs()
    for job in jobs:
        if job["status"] in ("queued", "waiting", "running"):
            client.cancel_job(job["id"], kill=job["status"] == "running")


async def open_filters(app: GanetiApp, pilot: Any, rows: int) -> FiltersScreen:
    await pilot.press("3")
    screen = await wait_until(pilot, lambda: isinstance(app.screen, FiltersScreen) and app.screen,
                              "the filters screen")
    await wait_until(pilot, lambda: screen.table.row_count == rows, f"{rows} rule(s) listed")
    return screen  # type: ignore[no-any-return]


async def open_form(app: GanetiApp, pilot: Any, key: str) -> FilterForm:
    await pilot.press(key)
    return await wait_until(pilot, lambda: isinstance(app.screen, FilterForm) and app.screen,  # type: ignore[no-any-return]
                            "the rule form")


async def without_toasts(pilot: Any) -> None:
    """Once the app has said it is connected, drop its notifications (they time out on their own)."""
    await wait_until(pilot, lambda: "· connected" in pilot.app.sub_title, "the connection")
    pilot.app.clear_notifications()
    await pilot.pause()


def text_of(widget: Static | Label) -> str:
    return str(widget.render())


def test_snapshot_filters_screen(snap_compare: Any, make_app: Callable[..., GanetiApp],
                                 client: ClusterClient) -> None:
    client.replace_filter(UUID_A, 1, [["opcode", ["=", "OP_ID", "OP_INSTANCE_CREATE"]]], "PAUSE",
                          [["gnt:user", "freeze creations", 1]])
    client.replace_filter(UUID_B, 0, [["jobid", [">", "id", "watermark"]]], ["RATE_LIMIT", 2])

    async def ready(pilot: Any) -> None:
        screen = await open_filters(pilot.app, pilot, 2)
        await wait_until(pilot, lambda: "Now: matches" in text_of(screen.query_one("#rule-detail", Static)),
                         "the highlighted rule's effect")
        await without_toasts(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


@async_test
async def test_rules_are_listed_in_evaluation_order(make_app: Callable[..., GanetiApp],
                                                    client: ClusterClient) -> None:
    later = client.replace_filter(None, 5, [], "CONTINUE")
    first = client.replace_filter(None, 0, [], "CONTINUE")
    middle = client.replace_filter(None, 2, [], "ACCEPT")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(app, pilot, 3)
        assert screen.table.ordered_keys() == [first, middle, later]
        assert [r["uuid"] for r in client.query_filters()] == [first, middle, later]
        assert [screen.table.rows[k]["order"] for k in screen.table.ordered_keys()] == [1, 2, 3]


@async_test
async def test_add_previews_matching_jobs_then_saves_after_confirmation(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    client.replace_filter(None, 1, [["jobid", [">", "id", "watermark"]]], "PAUSE")
    held = delay_job(client, 0.1, reason="held by the tui test")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_filters(app, pilot, 1)
        form = await open_form(app, pilot, "a")
        form.query_one("#action", Select).value = "REJECT"
        form.query_one("#pred-opcode", Input).focus()
        await pilot.press(*'OP_ID == "OP_TEST_DELAY"')
        await wait_until(pilot, lambda: form.rule and form.rule["action"] == "REJECT" and form.rule["predicates"]
                         and form.previewed == form.rule, "the dry run of the typed rule")
        match = next(m for m in form.matches or [] if m["job_id"] == held)
        assert match["effect"] == "reject" and match["status"] == "queued"
        expected, _ = client.filter_dry_run(None, 0, [["opcode", ["==", "OP_ID", "OP_TEST_DELAY"]]], "REJECT")
        assert [m["effect"] for m in form.matches or []] == [m["effect"] for m in expected]
        assert held in form.query_one("#preview").rows  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        dialog = await confirmation(pilot)
        assert dialog.command.startswith("gnt-filter add --priority=0 ")
        assert "--action=REJECT" in dialog.command
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, FiltersScreen), "the form to close")
        assert app.taught[-1] == dialog.command
        added = [r for r in client.query_filters() if r["action"] == "REJECT"]
        assert len(added) == 1
        assert added[0]["predicates"] == [["opcode", ["==", "OP_ID", "OP_TEST_DELAY"]]]
        screen = app.screen
        assert isinstance(screen, FiltersScreen)
        await wait_until(pilot, lambda: screen.table.cursor_key == added[0]["uuid"], "the new rule selected")


@async_test
async def test_form_validates_as_typed_with_the_parsers_and_the_masters_messages(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_filters(app, pilot, 0)
        form = await open_form(app, pilot, "a")
        form.query_one("#pred-jobid", Input).focus()
        await pilot.press(*"id >")
        with pytest.raises(qlang.QueryFilterParseError) as parse_error:
            qlang.parse("id >")
        error = form.query_one("#pred-jobid-error", Label)
        await wait_until(pilot, lambda: text_of(error) == parse_error.value.located_reason, "the parse error")
        assert form.query_one("#save", Button).disabled
        await pilot.press(*' "watermark"')
        await wait_until(pilot, lambda: text_of(error) == "", "the error to clear")
        assert not form.query_one("#save", Button).disabled
        area = form.query_one("#json", TextArea)
        await wait_until(pilot, lambda: json.loads(area.text)["predicates"] == [["jobid", [">", "id", "watermark"]]],
                         "the JSON view to follow the fields")

        # The JSON side: a bad priority gets exactly the master's message; a good one fills the fields.
        with pytest.raises(GanetiError) as master_error:
            client.replace_filter(None, -1, [], "PAUSE")
        area.text = area.text.replace('"priority": 0', '"priority": -1')
        json_error = form.query_one("#json-error", Label)
        await wait_until(pilot, lambda: text_of(json_error) == master_error.value.message, "the JSON error")
        assert form.query_one("#save", Button).disabled
        area.text = area.text.replace('"priority": -1', '"priority": 7').replace('"PAUSE"', '"ACCEPT"')
        await wait_until(pilot, lambda: form.query_one("#priority", Input).value == "7", "the priority field")
        assert form.query_one("#action", Select).value == "ACCEPT"
        assert text_of(json_error) == ""

        # RATE_LIMIT n: the count is checked as the master checks it.
        form.query_one("#action", Select).value = "RATE_LIMIT"
        rate = form.query_one("#rate", Input)
        await wait_until(pilot, lambda: not rate.disabled, "the rate field")
        rate.value = "0"
        with pytest.raises(GanetiError) as rate_error:
            client.replace_filter(None, 0, [], ["RATE_LIMIT", 0])
        await wait_until(pilot, lambda: text_of(form.query_one("#action-error", Label)) == rate_error.value.message,
                         "the rate error")
        rate.value = "3"
        await wait_until(pilot, lambda: json.loads(area.text)["action"] == ["RATE_LIMIT", 3], "the rate in JSON")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, FiltersScreen), "the form to close")
    assert client.query_filters() == []


@async_test
async def test_edit_replaces_the_rule_in_place(make_app: Callable[..., GanetiApp],
                                               client: ClusterClient) -> None:
    uuid = client.replace_filter(None, 3, [["reason", ["=~", "reason", "nightly"]]], "PAUSE",
                                 [["gnt:user", "nightly jobs wait", 5]])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_filters(app, pilot, 1)
        form = await open_form(app, pilot, "e")
        assert form.query_one("#pred-reason", Input).value == "reason =~ /nightly/"
        assert form.query_one("#reason", Input).value == "nightly jobs wait"
        assert form.query_one("#priority", Input).value == "3"
        form.query_one("#action", Select).value = "REJECT"
        await wait_until(pilot, lambda: form.rule and form.rule["action"] == "REJECT", "the new action")
        await pilot.press("ctrl+s")
        dialog = await confirmation(pilot)
        assert dialog.command == filter_command(form.rule or {}, uuid)
        assert dialog.command.startswith("gnt-filter replace ") and dialog.command.endswith(uuid)
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, FiltersScreen), "the form to close")
    (rule,) = client.query_filters()
    assert rule["uuid"] == uuid and rule["action"] == "REJECT" and rule["priority"] == 3
    assert rule["reason_trail"][0][:2] == ["gnt:user", "nightly jobs wait"]


@async_test
async def test_r_refreshes_enter_edits_and_ctrl_r_dry_runs_again(make_app: Callable[..., GanetiApp],
                                                                 client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(app, pilot, 0)
        uuid = client.replace_filter(None, 0, [["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]]], "PAUSE")
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.table.cursor_key == uuid, "the rule added elsewhere")
        form = await open_form(app, pilot, "enter")
        assert form.uuid == uuid
        await wait_until(pilot, lambda: form.previewed is not None, "the first dry run")
        held = delay_job(client, 0.1)
        form.previewed = None
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: form.previewed is not None, "the second dry run")
        assert [(m["job_id"], m["effect"]) for m in form.matches or []] == [(held, "pause")]
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the form to close")


@async_test
async def test_delete_asks_first_and_teaches_the_command(make_app: Callable[..., GanetiApp],
                                                        client: ClusterClient) -> None:
    uuid = client.replace_filter(None, 0, [], "CONTINUE")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(app, pilot, 1)
        await pilot.press("d")
        dialog = await confirmation(pilot)
        assert dialog.command == f"gnt-filter delete {uuid}"
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is screen, "the dialog to close")
        assert [r["uuid"] for r in client.query_filters()] == [uuid]
        await pilot.press("d")
        await confirmation(pilot)
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.table.row_count == 0, "the rule to go")
        assert app.taught[-1] == f"gnt-filter delete {uuid}"
    assert client.query_filters() == []


@async_test
async def test_priority_keys_move_a_rule_in_the_evaluation_order(make_app: Callable[..., GanetiApp],
                                                                 client: ClusterClient) -> None:
    first = client.replace_filter(None, 1, [], "CONTINUE")
    second = client.replace_filter(None, 2, [], "ACCEPT")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(app, pilot, 2)
        assert screen.table.cursor_key == first
        for expected in (2, 3):
            await pilot.press("plus")
            dialog = await confirmation(pilot)
            assert dialog.command.startswith(f"gnt-filter replace --priority={expected} ")
            await pilot.press("y")
            await wait_until(pilot, lambda e=expected: screen.table.rows.get(first, {}).get("priority") == e,
                             f"priority {expected}")
        await wait_until(pilot, lambda: screen.table.ordered_keys() == [second, first], "the new order")
        await pilot.press("minus")
        await confirmation(pilot)
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.table.rows.get(first, {}).get("priority") == 2, "priority 2")
    assert {r["uuid"]: r["priority"] for r in client.query_filters()} == {first: 2, second: 2}


@async_test
async def test_slash_filters_the_rules_with_the_query_language(make_app: Callable[..., GanetiApp],
                                                               client: ClusterClient) -> None:
    pause = client.replace_filter(None, 0, [], "PAUSE")
    client.replace_filter(None, 1, [], "ACCEPT")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(app, pilot, 2)
        await pilot.press("slash", *'action == "PAUSE"', "enter")
        await wait_until(pilot, lambda: screen.table.ordered_keys() == [pause], "only the PAUSE rule")
        await pilot.press("slash", "ctrl+u", *"prio >")
        error = screen.query_one("#query-error", Label)
        await wait_until(pilot, lambda: "Failed to parse query filter" in text_of(error), "the parse error")
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.table.row_count == 2, "every rule again")


@async_test
async def test_read_only_refuses_changes_but_still_dry_runs(make_app: Callable[..., GanetiApp],
                                                           client: ClusterClient) -> None:
    uuid = client.replace_filter(None, 0, [], "CONTINUE")
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(app, pilot, 1)
        for key in ("d", "plus", "minus"):
            await pilot.press(key)
            await pilot.pause(0.2)
            assert app.screen is screen
        form = await open_form(app, pilot, "a")
        await wait_until(pilot, lambda: form.watermark is not None, "the dry run")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert app.screen is form
        await pilot.press("escape")
        assert app.taught == []
    assert [r["uuid"] for r in client.query_filters()] == [uuid]


def test_the_taught_command_makes_the_same_rule_with_gnt_filter(cluster: Demo, client: ClusterClient) -> None:
    rules = [
        {"priority": 2, "predicates": [["opcode", ["==", "OP_ID", "OP_TEST_DELAY"]]],
         "action": ["RATE_LIMIT", 3], "reason": [["gnt:user", "at most three delays", 1]]},
        {"priority": 0, "predicates": [["jobid", [">", "id", "watermark"]],
                                       ["reason", ["=~", "reason", "it's nightly"]]],
         "action": "PAUSE", "reason": []},
        {"priority": 1, "predicates": [], "action": "REJECT",
         "reason": [["gnt:user", "one", 1], ["gnt:opcode", "two", 2]]},
    ]
    for rule in rules:
        words = shlex.split(filter_command(rule, None).split(" | ")[-1])
        stdin = json.dumps(rule) if "--file" in words else None
        result = cli(cluster, words[0], *words[1:], input=stdin)
        assert result.returncode == 0, result.stderr
        (made,) = client.query_filters([result.stdout.strip()])
        assert (made["priority"], made["predicates"], made["action"]) == (
            rule["priority"], rule["predicates"], rule["action"])
        assert [e[:2] for e in made["reason_trail"][:-1]] == [e[:2] for e in rule["reason"]]
