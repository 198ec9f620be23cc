"""The store thread: blocking calls run off the event loop, one at a time, in submission order."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from agent.master.store_thread import StoreThread


def test_calls_run_on_one_other_thread_in_order() -> None:
    store = StoreThread()
    seen: list[tuple[int, str]] = []

    def note(i: int) -> int:
        time.sleep(0.001 * (5 - i))  # later calls are quicker: order must come from the queue
        seen.append((i, threading.current_thread().name))
        return i * 10

    async def scenario() -> list[int]:
        return list(await asyncio.gather(*(store.run(note, i) for i in range(5))))

    try:
        assert asyncio.run(scenario()) == [0, 10, 20, 30, 40]
    finally:
        store.close()
    assert [i for i, _ in seen] == [0, 1, 2, 3, 4]
    assert {name for _, name in seen} == {"store"}


def test_an_exception_reaches_the_caller() -> None:
    store = StoreThread()

    def fail() -> None:
        raise ValueError("disk full")

    try:
        with pytest.raises(ValueError, match="disk full"):
            asyncio.run(store.run(fail))
    finally:
        store.close()


def test_a_call_cancelled_before_it_starts_is_skipped() -> None:
    store = StoreThread()
    ran: list[str] = []
    release = threading.Event()

    async def scenario() -> None:
        blocker = asyncio.ensure_future(store.run(release.wait))
        waiting = asyncio.ensure_future(store.run(ran.append, "skipped"))
        await asyncio.sleep(0.01)
        waiting.cancel()
        await asyncio.sleep(0.01)
        release.set()
        await blocker
        await store.run(ran.append, "ran")

    try:
        asyncio.run(scenario())
    finally:
        store.close()
    assert ran == ["ran"]


def test_close_finishes_the_queued_calls_then_refuses_new_ones() -> None:
    store = StoreThread()
    done: list[int] = []

    async def scenario() -> None:
        await store.run(done.append, 1)
        store.close()
        with pytest.raises(RuntimeError):
            await store.run(done.append, 2)

    asyncio.run(scenario())
    assert done == [1]
