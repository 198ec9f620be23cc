"""The Queue screen against a real master: live rows, why a job waits, filter, sort, job keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.widgets import Input, Log, Static

from agent import qlang
from shell.client import ClusterClient
from shell.tui.app import GanetiApp
from shell.tui.screens.job import JobScreen
from shell.tui.screens.queue import QueueScreen
from shell.tui.widgets.confirm import AskScreen
from tests.tui.conftest import async_test, confirmation, delay_job, wait_until

SIZE = (140, 40)


@pytest.fixture(autouse=True)
def quiet_queue(client: ClusterClient) -> Iterator[None]:
    """Each test starts and ends with no filter rule and no unfinished job."""
    yield
    for rule in client.query_filters():
        client.delete_filter(rule["uuid"])
    jobs, _ = client.get_jobs()
    for job in jobs:
        if job["status"] in ("queued", "waiting", "running"):
            client.cancel_job(job["id"], kill=job["status"] == "running")


def pause_all_new_jobs(client: ClusterClient) -> str:
    return client.replace_filter(None, 0, [["jobid", [">", "id", "watermark"]]], "PAUSE",
                                 [["gnt:user", "tui test", 0]])


async def open_queue(app: GanetiApp, pilot: Any) -> QueueScreen:
    await pilot.press("2")
    screen = await wait_until(pilot, lambda: isinstance(app.screen, QueueScreen) and app.screen,
                              "the queue screen")
    await wait_until(pilot, lambda: app.feed.connected, "the queue stream")
    return screen  # type: ignore[no-any-return]


def status_of(screen: QueueScreen, job_id: int) -> Any:
    row = screen.table.rows.get(job_id)
    return row and row["status"]


@async_test
async def test_new_jobs_appear_and_change_status_live(make_app: Callable[..., GanetiApp],
                                                     client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        job_id = delay_job(client, 0.2, reason="tui live test")
        await wait_until(pilot, lambda: status_of(screen, job_id) == "success", "the job to succeed")
        row = screen.table.rows[job_id]
        assert row["summary"] == ["TEST_DELAY(0.2)"] or row["summary"][0].startswith("TEST_DELAY")
        assert row["who"] == "tui live test"
        assert f"{len(app.feed.jobs)} jobs" in str(screen.query_one("#queue-status", Static).render())


@async_test
async def test_waiting_job_names_the_lock_and_the_job_holding_it(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    holder = client.submit_job([{"OP_ID": "OP_TEST_DELAY", "duration": 60, "interruptible": True}])
    waiter = delay_job(client, 1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        await wait_until(pilot, lambda: status_of(screen, waiter) == "waiting", "the job to wait")
        assert screen.table.move_cursor(waiter)
        text = await wait_until(pilot, lambda: "held by" in screen.explanation and screen.explanation,
                                "the explanation")
        assert f"job {waiter} waiting: wants lock " in text
        assert f"held by job {holder}" in text


@async_test
async def test_paused_job_names_the_filter_rule_that_holds_it(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    uuid = pause_all_new_jobs(client)
    job_id = delay_job(client, 0.1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        await wait_until(pilot, lambda: status_of(screen, job_id) == "queued", "the queued job")
        screen.table.move_cursor(job_id)
        text = await wait_until(pilot, lambda: "filter rule" in screen.explanation and screen.explanation,
                                "the explanation")
        assert f"paused by filter rule {uuid}" in text
        assert f"gnt-filter delete {uuid}" in text
        client.delete_filter(uuid)
        await wait_until(pilot, lambda: status_of(screen, job_id) == "success", "the released job to run")


@async_test
async def test_slash_filters_with_the_query_language_and_shows_errors_at_their_position(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        done = delay_job(client, 0.01)
        await wait_until(pilot, lambda: status_of(screen, done) == "success", "the finished job")
        uuid = pause_all_new_jobs(client)
        held = delay_job(client, 0.01)
        await wait_until(pilot, lambda: status_of(screen, held) == "queued", "the queued job")
        await pilot.press("slash")
        bar = screen.query_one("#filter", Input)
        assert bar.has_focus
        await pilot.press(*'status == "queued"', "enter")
        keys = screen.table.ordered_keys()
        assert held in keys and done not in keys
        assert all(screen.table.rows[k]["status"] == "queued" for k in keys)
        await pilot.press("slash", "ctrl+u", *"status ==", "enter")
        error = screen.query_one("#filter-error", Static)
        assert error.has_class("-shown")
        with pytest.raises(qlang.QueryFilterParseError) as parse_error:
            qlang.parse("status ==")
        assert str(error.render()).index("^") == parse_error.value.position  # the caret at the position
        assert parse_error.value.located_reason in str(error.render())
        assert screen.filter_text == 'status == "queued"'  # the bad filter was not applied
        await pilot.press("ctrl+u", *"nosuchfield == 1", "enter")
        assert "Can't find field named 'nosuchfield'" in str(error.render())
        await pilot.press("escape", "escape")  # close the bar, then clear the filter
        assert screen.filter_text == ""
        assert done in screen.table.ordered_keys()
    client.delete_filter(uuid)


@async_test
async def test_sort_key_cycles_columns_and_reverse_key_flips_the_order(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        for _ in range(3):
            delay_job(client, 0.01)
        await wait_until(pilot, lambda: screen.table.row_count >= 3, "three jobs")
        ids = screen.table.ordered_keys()
        assert ids == sorted(ids)
        await pilot.press("r")
        assert screen.table.ordered_keys() == sorted(ids, reverse=True)
        await pilot.press("s")
        assert screen.table.sort_column == "status"
        await pilot.press("s")
        assert screen.table.sort_column == "priority"
        assert "sorted by priority" in str(screen.query_one("#queue-status", Static).render())


@async_test
async def test_enter_opens_the_job_with_its_live_log_and_escape_returns(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        job_id = client.submit_job([{"OP_ID": "OP_TEST_DELAY", "duration": 0.3, "repeat": 3}])
        await wait_until(pilot, lambda: job_id in screen.table.rows, "the job row")
        screen.table.move_cursor(job_id)
        await pilot.press("enter")
        job_screen = await wait_until(pilot, lambda: isinstance(app.screen, JobScreen) and app.screen,
                                      "the job screen")
        assert job_screen.job_id == job_id
        await wait_until(pilot, lambda: job_screen.finished, "the job's end")
        info = str(job_screen.query_one("#job-info", Static).render())
        assert f"Job {job_id}" in info and "success" in info and "TEST_DELAY" in info
        log = "\n".join(job_screen.query_one(Log).lines)
        assert "Test delay iteration 0/2" in log and "Test delay iteration 2/2" in log
        await pilot.press("escape")
        assert app.screen is screen


@async_test
async def test_job_screen_cancels_its_job_after_asking_and_shows_the_end(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    uuid = pause_all_new_jobs(client)
    job_id = delay_job(client, 0.01)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        await wait_until(pilot, lambda: status_of(screen, job_id) == "queued", "the queued job")
        screen.table.move_cursor(job_id)
        await pilot.press("enter")
        job_screen = await wait_until(pilot, lambda: isinstance(app.screen, JobScreen) and app.screen,
                                      "the job screen")
        await wait_until(pilot, lambda: job_screen.job is not None, "the job's details")
        await pilot.press("c")
        dialog = await confirmation(pilot)
        assert dialog.command == f"gnt-job cancel {job_id}"
        await pilot.press("y")
        await wait_until(pilot, lambda: job_screen.finished, "the job's end")
        assert "status canceled" in str(job_screen.query_one("#job-info", Static).render())
        assert app.taught[-1] == f"gnt-job cancel {job_id}"
    client.delete_filter(uuid)


@async_test
async def test_cancel_key_asks_with_the_command_cancels_and_teaches_it(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    uuid = pause_all_new_jobs(client)
    job_id = delay_job(client, 0.01)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        await wait_until(pilot, lambda: status_of(screen, job_id) == "queued", "the queued job")
        screen.table.move_cursor(job_id)
        await pilot.press("c")
        dialog = await confirmation(pilot)
        assert dialog.command == f"gnt-job cancel {job_id}"
        await pilot.press("n")
        await pilot.pause(0.2)
        assert client.get_job(job_id)["status"] == "queued"
        await pilot.press("c")
        await confirmation(pilot)
        await pilot.press("y")
        await wait_until(pilot, lambda: status_of(screen, job_id) == "canceled", "the canceled job")
        assert app.taught[-1] == f"gnt-job cancel {job_id}"
    client.delete_filter(uuid)


@async_test
async def test_priority_key_asks_for_a_priority_checks_it_and_changes_it(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    uuid = pause_all_new_jobs(client)
    job_id = delay_job(client, 0.01)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        await wait_until(pilot, lambda: status_of(screen, job_id) == "queued", "the queued job")
        screen.table.move_cursor(job_id)
        await pilot.press("p")
        ask = await wait_until(pilot, lambda: isinstance(app.screen, AskScreen) and app.screen, "the question")
        await pilot.press("ctrl+u", *"urgent", "enter")
        assert "'urgent' is not a priority" in str(ask.query_one("#error", Static).render())
        assert app.screen is ask
        await pilot.press("ctrl+u", *"high", "enter")
        dialog = await confirmation(pilot)
        assert dialog.command == f"gnt-job change-priority --priority high {job_id}"
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.table.rows[job_id]["priority"] == -10, "the new priority")
        assert app.taught[-1] == dialog.command
    client.delete_filter(uuid)


@async_test
async def test_archive_key_archives_a_finished_job_and_its_row_goes(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        job_id = delay_job(client, 0.01)
        await wait_until(pilot, lambda: status_of(screen, job_id) == "success", "the finished job")
        screen.table.move_cursor(job_id)
        await pilot.press("a")
        dialog = await confirmation(pilot)
        assert dialog.command == f"gnt-job archive {job_id}"
        await pilot.press("y")
        await wait_until(pilot, lambda: job_id not in screen.table.rows, "the row to go")
        assert app.taught[-1] == f"gnt-job archive {job_id}"


@async_test
async def test_read_only_refuses_every_job_key_and_says_which_command(
        make_app: Callable[..., GanetiApp], client: ClusterClient) -> None:
    uuid = pause_all_new_jobs(client)
    job_id = delay_job(client, 0.01)
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        await wait_until(pilot, lambda: status_of(screen, job_id) == "queued", "the queued job")
        screen.table.move_cursor(job_id)
        for key in ("c", "p", "a"):
            await pilot.press(key)
            await pilot.pause(0.1)
            assert app.screen is screen, f"{key} opened a dialog in read-only mode"
        messages = [n.message for n in app._notifications]
        assert f"read-only: gnt-job cancel {job_id}" in messages
        assert f"read-only: gnt-job change-priority --priority PRIO {job_id}" in messages
        assert f"read-only: gnt-job archive {job_id}" in messages
        assert "read-only" in str(screen.query_one("#queue-status", Static).render())
        assert client.get_job(job_id)["status"] == "queued"
        assert app.taught == []
    client.delete_filter(uuid)
