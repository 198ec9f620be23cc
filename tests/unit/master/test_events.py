"""The queue change feed: sequence numbers, resuming, and resynchronisation."""

from __future__ import annotations

import asyncio

import pytest

from agent.master.events import QueueEvents, ResyncNeeded


def test_events_resume_after_a_sequence_number() -> None:
    async def scenario() -> None:
        events = QueueEvents(history=10)
        for i in range(1, 4):
            events.publish(i, "queued", 0, ("TEST_DELAY(1.0)",))
        assert [e.job_id for e in events.since(1, events.epoch)] == [2, 3]
        assert events.since(3) == []

    asyncio.run(scenario())


def test_a_watcher_too_far_behind_or_from_another_epoch_must_resync() -> None:
    async def scenario() -> None:
        events = QueueEvents(history=2)
        for i in range(5):
            events.publish(i, "queued", 0, ())
        with pytest.raises(ResyncNeeded):
            events.since(1)
        with pytest.raises(ResyncNeeded):
            events.since(4, "another-epoch")

    asyncio.run(scenario())


def test_follow_yields_new_events_as_they_happen() -> None:
    async def scenario() -> None:
        events = QueueEvents()
        got: list[int] = []

        async def watch() -> None:
            async for batch in events.follow(0):
                got.extend(e.job_id for e in batch)
                if len(got) >= 2:
                    return

        task = asyncio.create_task(watch())
        await asyncio.sleep(0)
        events.publish(7, "queued", 0, ())
        await asyncio.sleep(0)
        events.publish(8, "queued", 0, ())
        await asyncio.wait_for(task, 2)
        assert got == [7, 8]

    asyncio.run(scenario())
