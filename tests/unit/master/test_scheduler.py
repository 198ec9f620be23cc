"""One scheduling pass: priorities, dependencies, PAUSE, REJECT, RATE_LIMIT, reason buckets, the cap."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from agent.master.jobs import Job, QueuedOpCode
from agent.master.scheduler import Scheduler, dependencies, plan, reason_buckets


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


def reference_pass(queued: list[Job], running: list[Job], max_running: int, applying) -> tuple[list[int], list[int]]:
    """Ganeti's pass written out plainly over the whole queue: the incremental one must agree."""
    rules = {j.id: applying(j) for j in queued}
    rejected = [j.id for j in queued if rules[j.id] is not None and rules[j.id].kind == "REJECT"]
    kept = [j for j in queued if j.id not in rejected]
    free = max_running - len(running)
    if free <= 0:
        return [], rejected
    pending = {j.id for j in kept} | {j.id for j in running}
    candidates = sorted((j for j in kept if not dependencies(j) & pending), key=lambda j: (j.priority, j.id))
    bucket_use: Counter[str] = Counter(label for j in running for _, label in reason_buckets(j))
    limited = []
    for j in candidates:
        buckets = reason_buckets(j)
        if all(bucket_use[label] + 1 <= n for n, label in buckets):
            bucket_use.update(label for _, label in buckets)
            limited.append(j)
    slot_use: Counter[str] = Counter(
        r.uuid for j in running if (r := applying(j)) is not None and r.kind == "RATE_LIMIT"
    )
    start: list[int] = []
    for j in limited:
        rule = rules[j.id]
        if rule is not None and rule.kind == "PAUSE":
            continue
        if rule is not None and rule.kind == "RATE_LIMIT":
            if slot_use[rule.uuid] + 1 > rule.limit:
                continue
            slot_use[rule.uuid] += 1
        start.append(j.id)
        if len(start) == free:
            break
    return start, rejected


def test_incremental_passes_agree_with_the_whole_queue_pass_over_random_histories() -> None:
    rng = random.Random(5)
    for _ in range(60):
        rules = [FakeRule("p", "PAUSE"), FakeRule("r", "REJECT"), FakeRule("a", "ACCEPT"),
                 FakeRule("l1", "RATE_LIMIT", 1), FakeRule("l3", "RATE_LIMIT", 3)]
        assigned: dict[int, FakeRule | None] = {}

        def applying(j: Job, assigned: dict[int, FakeRule | None] = assigned) -> FakeRule | None:
            return assigned.get(j.id)

        scheduler = Scheduler(applying)
        queued: dict[int, Job] = {}
        running: dict[int, Job] = {}
        next_id = 1
        max_running = rng.randint(1, 6)
        for _ in range(80):
            action = rng.random()
            if action < 0.45:
                depends = [[rng.randint(max(1, next_id - 6), next_id + 2), []]] if rng.random() < 0.3 else None
                reason = rng.choice(["", "", "rate-limit:2:pink", "rate-limit:1:blue"])
                new = job(next_id, rng.choice([-10, 0, 0, 10]), depends, reason)
                assigned[next_id] = rng.choice([None, None, None, *rules])
                queued[next_id] = new
                scheduler.add(new)
                next_id += 1
            elif action < 0.6 and running:
                ended = running.pop(rng.choice(sorted(running)))
                scheduler.finished(ended)
            elif action < 0.67 and queued:
                gone = queued.pop(rng.choice(sorted(queued)))
                scheduler.remove(gone)
            elif action < 0.72 and queued:
                moved = queued[rng.choice(sorted(queued))]
                moved.ops[0].priority = rng.choice([-20, 5, 19])
                scheduler.reprioritised(moved)
            elif action < 0.77:
                for job_id in list(assigned):
                    assigned[job_id] = rng.choice([None, None, *rules])
                scheduler.rules_changed()
            else:
                expected = reference_pass(list(queued.values()), list(running.values()), max_running, applying)
                decided = scheduler.next_pass(max_running)
                assert ([j.id for j in decided.start], sorted(j.id for j, _ in decided.reject)) == expected
                for j in decided.start:
                    running[j.id] = queued.pop(j.id)
                for j, _ in decided.reject:
                    del queued[j.id]
