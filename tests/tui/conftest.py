"""Fixtures for the TUI's tests: a real cluster on loopback and GanetiApps connected to it.

``cluster`` is the integration tests' three-node cluster with the demo's
instances (one per test module); ``make_app`` builds a GanetiApp on it;
``wait_until`` lets a Pilot test wait for the live feed without fixed sleeps.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from shell.client import ClusterClient
from shell.demo import Demo
from shell.tui.app import GanetiApp
from shell.tui.widgets.confirm import ConfirmScreen
from tests.integration.conftest import running_cluster

WAIT = 30.0  # upper bound for the cluster to show a change; tests never wait for a fixed time


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A 3-node cluster with the demo's sample instances; stopped after the module."""
    yield from running_cluster(tmp_path_factory, "tui")


@pytest.fixture
def client(cluster: Demo) -> Iterator[ClusterClient]:
    with ClusterClient(cluster.master_address, timeout=30) as c:
        yield c


@pytest.fixture
def make_app(cluster: Demo) -> Callable[..., GanetiApp]:
    """``make_app(read_only=False, theme="dark")``: a GanetiApp on the module's cluster."""
    address = cluster.master_address

    def make(read_only: bool = False, theme: str = "dark") -> GanetiApp:
        return GanetiApp(lambda: ClusterClient(address, timeout=30), read_only=read_only, theme=theme)

    return make


def async_test(fn: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an async test (Textual's run_test) on its own event loop; fixtures pass through."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))  # type: ignore[arg-type]

    return run


async def wait_until(pilot: Pilot[Any], condition: Callable[[], Any], what: str,
                     timeout: float = WAIT) -> Any:
    """Let the app run until ``condition()`` is true; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def confirmation(pilot: Pilot[Any]) -> ConfirmScreen:
    """Wait for the confirmation dialog of a mutating action; return it."""
    app = pilot.app
    dialog: ConfirmScreen = await wait_until(
        pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen, "the confirmation")
    return dialog


def delay_job(client: ClusterClient, seconds: float, reason: str = "") -> int:
    """Submit an OP_TEST_DELAY job (with the operator's ``reason`` if given)."""
    op: dict[str, Any] = {"OP_ID": "OP_TEST_DELAY", "duration": seconds}
    if reason:
        op["reason"] = [["gnt:user", reason, time.time_ns()]]
    return client.submit_job([op])
