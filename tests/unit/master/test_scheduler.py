"""One scheduling pass: priorities, dependencies, PAUSE, REJECT, RATE_LIMIT, reason buckets, the cap."""

from __future__ import annotations

from dataclasses import dataclass

from agent.master.jobs import Job, QueuedOpCode
from agent.master.scheduler import plan, reason_buckets


@dataclass(frozen=True)
class FakeRule:
    uuid: str
    kind: str
    limit: int = 0


def job(job_id: int, priority: int = 0, depends: list | None = None, reason: str = "") -> Job:
    op = {"OP_ID": "OP_TEST_DELAY", "duration": 1.0, "depends": depends,
          "reason": [["gnt:user", reason, 1]] if reason else []}
    return Job(job_id, [QueuedOpCode(op, priority=priority)])


def no_rules(j: Job) -> None:
    return None


def test_jobs_start_by_priority_then_id_up_to_the_cap() -> None:
    queued = [job(1, 10), job(2, 0), job(3, -10), job(4, 0)]
    started = plan(queued, [], 3, no_rules).start
    assert [j.id for j in started] == [3, 2, 4]


def test_a_job_waits_while_its_dependency_is_queued_or_running() -> None:
    queued = [job(1), job(2, depends=[[1, []]]), job(3, depends=[[9, []]])]
    assert [j.id for j in plan(queued, [], 10, no_rules).start] == [1, 3]
    assert [j.id for j in plan(queued[1:], [job(1)], 10, no_rules).start] == [3]


def test_pause_holds_and_reject_cancels() -> None:
    pause, reject = FakeRule("p", "PAUSE"), FakeRule("r", "REJECT")
    rules = {1: pause, 2: reject}
    decided = plan([job(1), job(2), job(3)], [], 10, lambda j: rules.get(j.id))
    assert [j.id for j in decided.start] == [3]
    assert [(j.id, r.uuid) for j, r in decided.reject] == [(2, "r")]


def test_rate_limit_counts_running_jobs_under_the_same_rule() -> None:
    limit = FakeRule("l", "RATE_LIMIT", 2)
    running = [job(1)]
    decided = plan([job(2), job(3), job(4)], running, 10, lambda j: limit)
    assert [j.id for j in decided.start] == [2]


def test_reason_buckets_limit_jobs_with_the_same_label() -> None:
    queued = [job(i, reason="rate-limit:2:pink bunny") for i in range(1, 5)]
    assert reason_buckets(queued[0]) == {(2, "2:pink bunny")}
    assert [j.id for j in plan(queued, [], 10, no_rules).start] == [1, 2]


def test_nothing_starts_when_the_cap_is_reached_but_rejects_still_happen() -> None:
    reject = FakeRule("r", "REJECT")
    decided = plan([job(2)], [job(1)], 1, lambda j: reject)
    assert decided.start == [] and [j.id for j, _ in decided.reject] == [2]
