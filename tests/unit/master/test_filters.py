"""Filter rules as the scheduler evaluates them: cheap pre-tests never change what matches."""

from __future__ import annotations

import itertools
import random
from typing import Any

from agent import qlang
from agent.master.filters import FilterRule, FilterSet, JobFacts, applying_rule
from agent.master.jobs import Job, QueuedOpCode

OP_IDS = ("OP_TEST_DELAY", "OP_INSTANCE_STARTUP", "OP_INSTANCE_REMOVE", "OP_NODE_REMOVE")
NAMES = ("web1.example.com", "db2.example.com", "vm3.example.com", None)
SOURCES = ("gnt:client:gnt-instance", "gnt:client:hbal", "gnt:opcode:test")
NOTES = ("nightly restart", "incident INC-12 follow-up", "rebalance 4", "")


def rule(uuid_index: int, predicates: list[Any], action: Any = "PAUSE", watermark: int = 50,
         priority: int = 0) -> FilterRule:
    return FilterRule(f"00000000-0000-4000-8000-{uuid_index:012d}", priority, predicates, action, [], watermark)


def random_job(rng: random.Random, job_id: int) -> Job:
    ops = []
    for _ in range(rng.choice((1, 1, 2))):
        op: dict[str, Any] = {"OP_ID": rng.choice(OP_IDS), "priority": 0}
        name = rng.choice(NAMES)
        if name is not None:
            op["instance_name"] = name
        if rng.random() < 0.2:
            op["instance_name"] = rng.choice((7, True, ["web1.example.com"]))
        op["reason"] = [[rng.choice(SOURCES), rng.choice(NOTES), rng.randrange(10**9)]
                        for _ in range(rng.randrange(3))]
        if rng.random() < 0.1:
            op["reason"].append(["odd", 5])  # malformed entries are skipped
        ops.append(QueuedOpCode(op))
    return Job(job_id, ops)


def random_predicates(rng: random.Random) -> list[Any]:
    leaves_by_kind: dict[str, list[Any]] = {
        "opcode": [["==", "OP_ID", rng.choice(OP_IDS)], ["=~", "instance_name", rng.choice(("^web", "db", "x"))],
                   ["==", "instance_name", rng.choice(NAMES[:3])], ["==", "priority", 0], ["<", "instance_name", "m"],
                   ["!", ["==", "OP_ID", rng.choice(OP_IDS)]], ["=[]", "instance_name", "web1.example.com"]],
        "reason": [["==", "source", rng.choice(SOURCES)], ["=~", "reason", rng.choice(("^nightly", "INC-1", "z"))],
                   [">", "timestamp", rng.randrange(10**9)], ["==", "reason", rng.choice(NOTES)], [">", "source", "gnt:client:h"]],
        "jobid": [[">", "id", "watermark"], ["<", "id", rng.randrange(100)], ["==", "id", rng.randrange(100)]],
    }
    predicates = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        kind = rng.choice(list(leaves_by_kind))
        leaves = rng.sample(leaves_by_kind[kind], rng.choice((1, 2)))
        expr = leaves[0] if len(leaves) == 1 else [rng.choice(("&", "&", "|")), *leaves]
        predicates.append([kind, expr])
    return predicates


def test_pre_tests_agree_with_the_plain_evaluator_on_random_rules_and_jobs() -> None:
    rng = random.Random(17)
    rules = [rule(i, random_predicates(rng)) for i in range(300)]
    jobs = [random_job(rng, job_id) for job_id in range(1, 101)]
    matched = 0
    for r, job in itertools.product(rules, jobs):
        ops = [op.input for op in job.ops]
        expected = qlang.rule_matches(r.predicates, ops, job.id, r.watermark)
        assert r.matches(job) == expected, (r.predicates, ops, job.id)
        assert r.matches(job, JobFacts.of(job)) == expected
        matched += expected
    assert 0 < matched < len(rules) * len(jobs)  # both outcomes were exercised


def test_a_rule_on_another_opcode_is_skipped_but_its_own_opcode_is_checked_in_full() -> None:
    only_delay_to_web = rule(1, [["opcode", ["&", ["==", "OP_ID", "OP_TEST_DELAY"], ["=~", "instance_name", "^web"]]]])
    delay = Job(1, [QueuedOpCode({"OP_ID": "OP_TEST_DELAY", "instance_name": "web1"})])
    startup = Job(2, [QueuedOpCode({"OP_ID": "OP_INSTANCE_STARTUP", "instance_name": "web1"})])
    other = Job(3, [QueuedOpCode({"OP_ID": "OP_TEST_DELAY", "instance_name": "db1"})])
    assert [only_delay_to_web.matches(j) for j in (delay, startup, other)] == [True, False, False]


def test_the_first_matching_rule_in_order_applies_and_continue_never_does() -> None:
    cont = rule(1, [], "CONTINUE", priority=0)
    reject_tickets = rule(2, [["reason", ["=~", "reason", "^incident"]]], "REJECT", priority=1)
    pause_all = rule(3, [], "PAUSE", priority=2)
    filters = FilterSet([pause_all, reject_tickets, cont])
    ticket = Job(7, [QueuedOpCode({"OP_ID": "OP_TEST_DELAY", "reason": [["gnt:user", "incident 4", 1]]})])
    plain = Job(8, [QueuedOpCode({"OP_ID": "OP_TEST_DELAY", "reason": []})])
    assert filters.applying(ticket) is reject_tickets
    assert filters.applying(plain) is pause_all
    assert applying_rule([cont], plain) is None


def test_the_rule_index_finds_the_same_applying_rule_as_consulting_every_rule() -> None:
    rng = random.Random(23)
    for _ in range(20):
        actions = ("PAUSE", "REJECT", "ACCEPT", "CONTINUE", ["RATE_LIMIT", 2])
        rules = [rule(i, random_predicates(rng), rng.choice(actions), watermark=rng.randrange(100),
                      priority=rng.randrange(5)) for i in range(rng.randrange(1, 40))]
        filters = FilterSet(rules)
        for job_id in range(1, 101):
            job = random_job(rng, job_id)
            assert filters.applying(job) is applying_rule(filters.rules, job)
