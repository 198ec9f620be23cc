"""The lock manager: shared and exclusive modes, locksets, priority order, release on end."""

from __future__ import annotations

import asyncio

from agent.master.locks import BGL, EXCLUSIVE, SHARED, LockManager, lockset


async def _granted(task: asyncio.Task[None]) -> bool:
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    return task.done()


def test_shared_locks_are_held_together_and_exclusive_waits() -> None:
    async def scenario() -> None:
        locks = LockManager()
        await locks.acquire(1, {BGL: SHARED})
        await locks.acquire(2, {BGL: SHARED})
        waiter = asyncio.create_task(locks.acquire(3, {BGL: EXCLUSIVE}))
        assert not await _granted(waiter)
        locks.release_all(1)
        assert not await _granted(waiter)
        locks.release_all(2)
        assert await _granted(waiter)

    asyncio.run(scenario())


def test_different_instances_do_not_conflict_but_the_same_one_does() -> None:
    async def scenario() -> None:
        locks = LockManager()
        await locks.acquire(1, {"instance/a": EXCLUSIVE})
        await locks.acquire(2, {"instance/b": EXCLUSIVE})
        same = asyncio.create_task(locks.acquire(3, {"instance/a": EXCLUSIVE}))
        assert not await _granted(same)
        locks.release_all(1)
        assert await _granted(same)

    asyncio.run(scenario())


def test_lockset_conflicts_with_its_members() -> None:
    async def scenario() -> None:
        locks = LockManager()
        await locks.acquire(1, {"node/x": EXCLUSIVE})
        whole = asyncio.create_task(locks.acquire(2, {lockset("node"): SHARED}))
        assert not await _granted(whole)
        locks.release_all(1)
        assert await _granted(whole)
        member = asyncio.create_task(locks.acquire(3, {"node/y": EXCLUSIVE}))
        assert not await _granted(member)

    asyncio.run(scenario())


def test_waiting_requests_are_granted_by_priority() -> None:
    async def scenario() -> None:
        locks = LockManager()
        order: list[int] = []
        await locks.acquire(1, {"instance/a": EXCLUSIVE})

        async def want(owner: int, priority: int) -> None:
            await locks.acquire(owner, {"instance/a": EXCLUSIVE}, priority)
            order.append(owner)
            locks.release_all(owner)

        low = asyncio.create_task(want(2, 10))
        await asyncio.sleep(0)
        high = asyncio.create_task(want(3, -10))
        await asyncio.sleep(0)
        locks.release_all(1)
        await asyncio.gather(low, high)
        assert order == [3, 2]

    asyncio.run(scenario())


def test_an_urgent_waiter_is_not_overtaken_by_a_later_compatible_one() -> None:
    async def scenario() -> None:
        locks = LockManager()
        await locks.acquire(1, {BGL: SHARED})
        urgent = asyncio.create_task(locks.acquire(2, {BGL: EXCLUSIVE}, -10))
        assert not await _granted(urgent)
        later = asyncio.create_task(locks.acquire(3, {BGL: SHARED}, 0))
        assert not await _granted(later)
        locks.release_all(1)
        assert await _granted(urgent)
        assert not await _granted(later)

    asyncio.run(scenario())


def test_snapshot_shows_owners_and_pending() -> None:
    async def scenario() -> None:
        locks = LockManager()
        await locks.acquire(42, {"instance/web1": EXCLUSIVE})
        waiter = asyncio.create_task(locks.acquire(43, {"instance/web1": EXCLUSIVE}))
        await asyncio.sleep(0)
        (info,) = locks.snapshot()
        assert (info.name, info.mode, info.owners, info.pending) == (
            "instance/web1", EXCLUSIVE, (42,), ((EXCLUSIVE, 43),)
        )
        waiter.cancel()

    asyncio.run(scenario())
