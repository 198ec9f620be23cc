"""One scheduling pass: which queued jobs start now and which a REJECT rule cancels.

Pure logic over the queue's state, in Ganeti's order: rejected jobs out,
eligible jobs (no dependency still queued or running) sorted by priority then
id, ad-hoc reason rate limits, filter rules (PAUSE holds, RATE_LIMIT counts
handed-over jobs), then the running-jobs cap.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from agent.master.jobs import Job

_RATE_LIMIT_REASON = re.compile(r"^rate-limit:(\d+):(.*)$", re.DOTALL)


class Rule(Protocol):
    @property
    def uuid(self) -> str: ...

    @property
    def kind(self) -> str: ...  # ACCEPT, PAUSE, REJECT, CONTINUE, RATE_LIMIT

    @property
    def limit(self) -> int: ...


ApplyingRule = Callable[[Job], Rule | None]


@dataclass
class Pass:
    start: list[Job]
    reject: list[tuple[Job, Rule]]


def reason_buckets(job: Job) -> set[tuple[int, str]]:
    """Ad-hoc rate-limit buckets ``(N, "N:LABEL")`` from ``rate-limit:N:LABEL`` reasons."""
    buckets = set()
    for op in job.ops:
        for entry in op.input.get("reason", []):
            match = _RATE_LIMIT_REASON.match(str(entry[1]))
            if match and int(match.group(1)) > 0:
                buckets.add((int(match.group(1)), f"{match.group(1)}:{match.group(2)}"))
    return buckets


def dependencies(job: Job) -> set[int]:
    return {int(d[0]) for op in job.ops for d in (op.input.get("depends") or [])}


def plan(
    queued: Iterable[Job],
    running: Iterable[Job],
    max_running: int,
    applying: ApplyingRule,
) -> Pass:
    queued = list(queued)
    running = list(running)
    rejected: list[tuple[Job, Rule]] = []
    kept: list[Job] = []
    rules: dict[int, Rule | None] = {}
    for job in queued:
        rule = applying(job)
        rules[job.id] = rule
        if rule is not None and rule.kind == "REJECT":
            rejected.append((job, rule))
        else:
            kept.append(job)
    free = max_running - len(running)
    if free <= 0:
        return Pass([], rejected)
    pending = {j.id for j in kept} | {j.id for j in running}
    candidates = sorted((j for j in kept if not dependencies(j) & pending), key=lambda j: (j.priority, j.id))

    # Ad-hoc rate limits by reason, before the filter rules (a job held by a
    # filter afterwards has still taken its bucket slots in this pass).
    bucket_use: Counter[str] = Counter()
    for job in running:
        for _, label in reason_buckets(job):
            bucket_use[label] += 1
    limited: list[Job] = []
    for job in candidates:
        buckets = reason_buckets(job)
        if all(bucket_use[label] + 1 <= n for n, label in buckets):
            for _, label in buckets:
                bucket_use[label] += 1
            limited.append(job)

    slot_use: Counter[str] = Counter()
    for job in running:
        rule = applying(job)
        if rule is not None and rule.kind == "RATE_LIMIT":
            slot_use[rule.uuid] += 1
    start: list[Job] = []
    for job in limited:
        rule = rules[job.id]
        if rule is not None and rule.kind == "PAUSE":
            continue
        if rule is not None and rule.kind == "RATE_LIMIT":
            if slot_use[rule.uuid] + 1 > rule.limit:
                continue
            slot_use[rule.uuid] += 1
        start.append(job)
        if len(start) == free:
            break
    return Pass(start, rejected)
