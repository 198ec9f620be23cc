"""A master that dies and comes back: the TUI shows the loss and resumes the queue without a restart."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator

import pytest
from textual.widgets import Static

from shell.client import ClusterClient
from shell.demo import Demo
from shell.tui.app import GanetiApp
from shell.tui.screens.queue import QueueScreen
from tests.integration.conftest import kill_node, running_cluster
from tests.tui.conftest import async_test, delay_job, wait_until


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A one-node cluster of its own: this module kills its master."""
    yield from running_cluster(tmp_path_factory, "tui-reconnect", nodes=1, populate=False)


@async_test
async def test_lost_master_is_shown_and_the_queue_resumes_after_it_restarts(
        make_app: Callable[..., GanetiApp], cluster: Demo) -> None:
    with ClusterClient(cluster.master_address, timeout=30) as client:
        uuid = client.replace_filter(None, 0, [["jobid", [">", "id", "watermark"]]], "PAUSE", [])
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("2")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, QueueScreen) and app.screen,
                                  "the queue screen")
        await wait_until(pilot, lambda: app.feed.connected, "the queue stream")
        with ClusterClient(cluster.master_address, timeout=30) as client:
            held = delay_job(client, 0.01)
        await wait_until(pilot, lambda: held in screen.table.rows, "the held job")
        screen.table.move_cursor(held)
        epoch = app.feed.epoch

        kill_node(cluster, 0, signal.SIGKILL)
        await wait_until(pilot, lambda: not app.feed.connected, "the loss to show")
        assert app.has_class("-disconnected")
        assert "DISCONNECTED" in str(screen.query_one("#queue-status", Static).render())
        assert any("no connection to the master" in n.message for n in app._notifications)
        assert held in screen.table.rows  # the operator keeps the last known queue

        cluster.start_node(0, wait=True)
        await wait_until(pilot, lambda: app.feed.connected, "the reconnection")
        assert not app.has_class("-disconnected")
        assert app.feed.reconnects == 1
        await wait_until(pilot, lambda: app.feed.epoch and app.feed.epoch != epoch, "the new epoch")
        assert screen.table.cursor_key == held  # the cursor kept its job
        assert screen.table.rows[held]["status"] == "queued"

        with ClusterClient(cluster.master_address, timeout=30) as client:
            client.delete_filter(uuid)
            fresh = delay_job(client, 0.01)
        await wait_until(pilot, lambda: screen.table.rows.get(held, {}).get("status") == "success",
                         "the released job to run, seen through the new stream")
        await wait_until(pilot, lambda: screen.table.rows.get(fresh, {}).get("status") == "success",
                         "a job submitted after the restart")
