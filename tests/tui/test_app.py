"""GanetiApp against a real master: screen keys, help, themes, the command palette, read-only."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import CommandPalette
from textual.widgets import Input

from shell.client import ClusterClient
from shell.tui.app import SCREENS, GanetiApp
from shell.tui.screens.queue import QueueScreen
from shell.tui.widgets.confirm import AskScreen, ConfirmScreen
from shell.tui.widgets.help import HelpScreen
from shell.tui.widgets.palette import OutputScreen
from tests.tui.conftest import async_test, confirmation, delay_job, wait_until

SIZE = (140, 40)


@async_test
async def test_number_keys_switch_between_the_screens(make_app: Callable[..., GanetiApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.current_mode == GanetiApp.DEFAULT_MODE
        for name in GanetiApp.MODES:
            await pilot.press(SCREENS[name][0])
            assert app.current_mode == name
        await pilot.press("2")
        assert isinstance(app.screen, QueueScreen)


@async_test
async def test_question_mark_lists_the_keys_of_the_screen_and_escape_closes(
        make_app: Callable[..., GanetiApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert help_screen.screen_name == "queue"
        keys = {active.binding.description for active in help_screen.bindings.values()}
        assert {"Filter", "Sort", "Cancel", "Priority", "Archive", "Help", "Theme"} <= keys
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)


@async_test
async def test_ctrl_t_switches_between_the_dark_and_the_light_theme(
        make_app: Callable[..., GanetiApp]) -> None:
    app = make_app(theme="light")
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "textual-light" and not app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.theme == "textual-dark" and app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"


async def _palette_run(pilot: object, app: GanetiApp, line: str) -> None:
    await pilot.press("colon")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")  # type: ignore[arg-type]
    await pilot.press(*line)  # type: ignore[attr-defined]
    await pilot.pause(0.3)  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]


@async_test
async def test_palette_runs_a_command_of_the_tree_and_shows_its_output(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    job_id = delay_job(client, 0.01)
    client.wait_job(job_id)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _palette_run(pilot, app, f"gnt-job list --no-headers -o id,status {job_id}")
        output = await wait_until(pilot, lambda: isinstance(app.screen, OutputScreen) and app.screen,
                                  "the output screen")
        await wait_until(pilot, lambda: output.exit_code is not None, "the command's end")
        assert output.exit_code == 0
        assert output.text.split() == [str(job_id), "success"]
        await pilot.press("escape")
        assert not isinstance(app.screen, OutputScreen)


@async_test
async def test_ctrl_p_palette_asks_for_the_arguments_of_a_command_that_needs_them(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    job_id = delay_job(client, 0.01)
    client.wait_job(job_id)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"gnt-job info")
        await pilot.pause(0.3)
        await pilot.press("enter")
        ask = await wait_until(pilot, lambda: isinstance(app.screen, AskScreen) and app.screen,
                               "the arguments question")
        assert "gnt-job info" in ask.question
        await pilot.press(*str(job_id), "enter")
        output = await wait_until(pilot, lambda: isinstance(app.screen, OutputScreen) and app.screen,
                                  "the output screen")
        await wait_until(pilot, lambda: output.exit_code is not None, "the command's end")
        assert output.line == f"gnt-job info {job_id}"
        assert f"Job ID: {job_id}" in output.text and output.exit_code == 0


@async_test
async def test_palette_confirms_a_mutating_command_and_read_only_refuses_it(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    uuid = client.replace_filter(None, 0, [["jobid", [">", "id", "watermark"]]], "PAUSE", [])
    job_id = delay_job(client, 0.01)
    try:
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await _palette_run(pilot, app, f"gnt-job cancel {job_id}")
            dialog = await confirmation(pilot)
            assert dialog.command == f"gnt-job cancel {job_id}"
            await pilot.press("y")
            output = await wait_until(pilot, lambda: isinstance(app.screen, OutputScreen) and app.screen,
                                      "the output screen")
            await wait_until(pilot, lambda: output.exit_code is not None, "the command's end")
            assert output.exit_code == 0, output.text
            assert client.get_job(job_id)["status"] == "canceled"
        held = delay_job(client, 0.01)
        app = make_app(read_only=True)
        async with app.run_test(size=SIZE) as pilot:
            await _palette_run(pilot, app, f"gnt-job cancel {held}")
            await pilot.pause(0.2)
            assert not isinstance(app.screen, (ConfirmScreen, OutputScreen))
            assert f"read-only: gnt-job cancel {held}" in [n.message for n in app._notifications]
            assert client.get_job(held)["status"] == "queued"
            await _palette_run(pilot, app, f"gnt-job list --no-headers -o id {held}")
            output = await wait_until(pilot, lambda: isinstance(app.screen, OutputScreen) and app.screen,
                                      "the output of a read-only command")
            await wait_until(pilot, lambda: output.exit_code is not None, "the command's end")
            assert output.text.split() == [str(held)]
        client.cancel_job(held)
    finally:
        client.delete_filter(uuid)


@async_test
async def test_filter_input_keeps_typed_digits_and_colons_from_the_screen_keys(
        make_app: Callable[..., GanetiApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, QueueScreen) and app.screen,
                                  "the queue screen")
        await pilot.press("slash", *"id > 1:2")
        assert screen.query_one("#filter", Input).value == "id > 1:2"
        assert app.current_mode == "queue" and not isinstance(app.screen, CommandPalette)
