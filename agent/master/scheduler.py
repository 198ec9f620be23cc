"""Scheduling passes: which queued jobs start now and which a REJECT rule cancels.

Ganeti's order: rejected jobs out, eligible jobs (no dependency still queued or
running) by priority then id, ad-hoc reason rate limits, filter rules (PAUSE
holds, RATE_LIMIT counts handed-over jobs), then the running-jobs cap.

``Scheduler`` keeps the queued jobs indexed so that a pass costs what it
starts, not what is queued: each job's facts (rule, dependencies, reason
buckets, order) are worked out once when it enters; jobs that cannot start
(held by PAUSE, behind a queued or running dependency, or under a full
RATE_LIMIT rule) are set aside until what holds them changes.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
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

_NONE: frozenset[int] = frozenset()
_NO_BUCKETS: frozenset[tuple[int, str]] = frozenset()


@dataclass
class Pass:
    start: list[Job]
    reject: list[tuple[Job, Rule]]


def reason_buckets(job: Job) -> set[tuple[int, str]]:
    """Ad-hoc rate-limit buckets ``(N, "N:LABEL")`` from ``rate-limit:N:LABEL`` reasons."""
    buckets = set()
    for op in job.ops:
        for entry in op.input.get("reason", []):
            text = str(entry[1])
            if not text.startswith("rate-limit:"):
                continue
            match = _RATE_LIMIT_REASON.match(text)
            if match and int(match.group(1)) > 0:
                buckets.add((int(match.group(1)), f"{match.group(1)}:{match.group(2)}"))
    return buckets


def dependencies(job: Job) -> set[int]:
    return {int(d[0]) for op in job.ops for d in (op.input.get("depends") or [])}


@dataclass(eq=False, slots=True)
class _Entry:
    """A queued job's scheduling facts, worked out once when it enters."""

    job: Job
    key: tuple[int, int]  # (priority, id): the start order
    deps: frozenset[int]
    buckets: frozenset[tuple[int, str]]
    rule: Rule | None
    home: _Ordered | None = None  # where it waits to be considered; None: held aside


class _Ordered:
    """Jobs in start order: a dict per priority, ids ascending (sorted again after an insert out of order)."""

    def __init__(self) -> None:
        self._levels: dict[int, dict[int, _Entry]] = {}
        self._unsorted: set[int] = set()

    def __bool__(self) -> bool:
        return bool(self._levels)

    def add(self, entry: _Entry) -> None:
        priority, job_id = entry.key
        level = self._levels.setdefault(priority, {})
        if level and job_id < next(reversed(level)):
            self._unsorted.add(priority)
        level[job_id] = entry
        entry.home = self

    def discard(self, entry: _Entry) -> None:
        priority, job_id = entry.key
        level = self._levels.get(priority)
        if level is not None and level.pop(job_id, None) is not None and not level:
            del self._levels[priority]
            self._unsorted.discard(priority)
        entry.home = None

    def __iter__(self) -> Iterator[_Entry]:
        for priority in sorted(self._levels):
            if priority in self._unsorted:
                self._levels[priority] = dict(sorted(self._levels[priority].items()))
                self._unsorted.discard(priority)
            yield from self._levels[priority].values()


@dataclass(slots=True)
class _Running:
    job: Job
    buckets: frozenset[tuple[int, str]]
    slot: str | None  # the RATE_LIMIT rule it counts towards


@dataclass
class Scheduler:
    """The queue's jobs as a pass needs them; the queue reports every change to it."""

    applying: ApplyingRule
    _entries: dict[int, _Entry] = field(default_factory=dict)
    _rejects: dict[int, tuple[Job, Rule]] = field(default_factory=dict)
    _open: _Ordered = field(default_factory=_Ordered)  # may start: no rule, ACCEPT, or reason buckets
    _gated: dict[str, _Ordered] = field(default_factory=dict)  # by RATE_LIMIT rule
    _gate_rules: dict[str, Rule] = field(default_factory=dict)
    _dependents: dict[int, set[int]] = field(default_factory=dict)
    _running: dict[int, _Running] = field(default_factory=dict)
    _bucket_use: Counter[str] = field(default_factory=Counter)
    _slot_use: Counter[str] = field(default_factory=Counter)

    # -- the queue's changes ----------------------------------------------------

    def add(self, job: Job) -> None:
        """A job entered the queue (submitted or recovered)."""
        rule = self.applying(job)
        if rule is not None and rule.kind == "REJECT":
            self._rejects[job.id] = (job, rule)
            return
        deps, buckets = dependencies(job), reason_buckets(job)
        entry = _Entry(job, (job.priority, job.id), frozenset(deps) if deps else _NONE,
                       frozenset(buckets) if buckets else _NO_BUCKETS, rule)
        self._entries[job.id] = entry
        for dep in entry.deps:
            self._dependents.setdefault(dep, set()).add(job.id)
        for dependent in self._dependents.get(job.id, ()):
            self._hold(self._entries[dependent])  # it now waits for this job
        self._place(entry)

    def remove(self, job: Job) -> None:
        """A queued job left the queue without running (cancelled)."""
        if self._rejects.pop(job.id, None) is not None:
            return
        entry = self._drop(job.id)
        if entry is not None:
            self._released(job.id)

    def reprioritised(self, job: Job) -> None:
        entry = self._entries.get(job.id)
        if entry is not None:
            self._hold(entry)
            entry.key = (job.priority, job.id)
            self._place(entry)

    def finished(self, job: Job) -> None:
        """A running job ended: its slots free up and its dependents may start."""
        state = self._running.pop(job.id, None)
        if state is None:
            return
        for _, label in state.buckets:
            self._bucket_use[label] -= 1
        if state.slot is not None:
            self._slot_use[state.slot] -= 1
        self._released(job.id)

    def rules_changed(self) -> None:
        """Evaluate every queued and running job against the new rules (their other facts stay)."""
        self._slot_use.clear()
        for state in self._running.values():
            rule = self.applying(state.job)
            state.slot = rule.uuid if rule is not None and rule.kind == "RATE_LIMIT" else None
            if state.slot is not None:
                self._slot_use[state.slot] += 1
        rejected = sorted((job for job, _ in self._rejects.values()), key=lambda j: j.id)
        self._rejects.clear()
        self._open = _Ordered()
        self._gated.clear()
        self._gate_rules.clear()
        entries = sorted(self._entries.values(), key=lambda e: e.key[1])
        for entry in entries:
            entry.home = None
            rule = self.applying(entry.job)
            if rule is not None and rule.kind == "REJECT":
                self._drop(entry.job.id)
                self._rejects[entry.job.id] = (entry.job, rule)
            else:
                entry.rule = rule
        for entry in entries:
            if entry.job.id in self._entries:
                self._place(entry)
        for job in rejected:
            self.add(job)

    def running(self, job: Job, rule: Rule | None = None, known: bool = False) -> None:
        """Count a job as running (one handed over by a pass, or already running)."""
        if not known:
            rule = self.applying(job)
        slot = rule.uuid if rule is not None and rule.kind == "RATE_LIMIT" else None
        buckets = frozenset(reason_buckets(job))
        self._running[job.id] = _Running(job, buckets, slot)
        for _, label in buckets:
            self._bucket_use[label] += 1
        if slot is not None:
            self._slot_use[slot] += 1

    @property
    def has_rejects(self) -> bool:
        return bool(self._rejects)

    # -- one pass ---------------------------------------------------------------

    def next_pass(self, max_running: int) -> Pass:
        """Take the jobs to start and to reject now; started jobs count as running from here on."""
        rejected = list(self._rejects.values())
        self._rejects.clear()
        free = max_running - len(self._running)
        if free <= 0:
            return Pass([], rejected)
        bucket_use = self._bucket_use.copy()
        slot_use = self._slot_use.copy()
        streams: list[tuple[str | None, Iterator[_Entry]]] = [(None, iter(self._open))]
        for uuid, gated in self._gated.items():
            if gated and slot_use[uuid] < self._gate_rules[uuid].limit:
                streams.append((uuid, iter(gated)))
        heap: list[tuple[tuple[int, int], int, _Entry]] = []
        for index, (_, stream) in enumerate(streams):
            first = next(stream, None)
            if first is not None:
                heap.append((first.key, index, first))
        heapq.heapify(heap)
        start: list[_Entry] = []
        while heap and len(start) < free:
            _, index, entry = heap[0]
            gate, stream = streams[index]
            following = next(stream, None)
            if following is None:
                heapq.heappop(heap)
            else:
                heapq.heapreplace(heap, (following.key, index, following))
            if entry.buckets:
                if any(bucket_use[label] + 1 > n for n, label in entry.buckets):
                    continue
                for _, label in entry.buckets:
                    bucket_use[label] += 1
            rule = entry.rule
            if rule is not None and rule.kind == "PAUSE":
                continue
            if rule is not None and rule.kind == "RATE_LIMIT":
                if slot_use[rule.uuid] + 1 > rule.limit:
                    continue
                slot_use[rule.uuid] += 1
                if gate is not None and slot_use[gate] >= rule.limit:
                    heap = [item for item in heap if item[1] != index]  # this gate is full now
                    heapq.heapify(heap)
            start.append(entry)
        for entry in start:
            self._drop(entry.job.id)
            self.running(entry.job, entry.rule, known=True)
        return Pass([e.job for e in start], rejected)

    # -- bookkeeping ------------------------------------------------------------

    def _pending(self, job_id: int) -> bool:
        return job_id in self._entries or job_id in self._running

    def _place(self, entry: _Entry) -> None:
        """Put an entry where a pass will look for it, or aside while it cannot start."""
        if any(self._pending(dep) for dep in entry.deps):
            return  # held until its dependencies end (``_released``)
        rule = entry.rule
        if entry.buckets or rule is None or rule.kind not in ("PAUSE", "RATE_LIMIT"):
            self._open.add(entry)
        elif rule.kind == "RATE_LIMIT":
            self._gate_rules[rule.uuid] = rule
            self._gated.setdefault(rule.uuid, _Ordered()).add(entry)
        # PAUSE without reason buckets: inert until the rules change

    def _hold(self, entry: _Entry) -> None:
        if entry.home is not None:
            entry.home.discard(entry)

    def _drop(self, job_id: int) -> _Entry | None:
        entry = self._entries.pop(job_id, None)
        if entry is None:
            return None
        self._hold(entry)
        for dep in entry.deps:
            waiting = self._dependents.get(dep)
            if waiting is not None:
                waiting.discard(job_id)
                if not waiting:
                    del self._dependents[dep]
        return entry

    def _released(self, job_id: int) -> None:
        """A job is no longer queued or running: the jobs that waited for it may start."""
        for dependent in list(self._dependents.get(job_id, ())):
            entry = self._entries[dependent]
            if entry.home is None:
                self._place(entry)


def plan(
    queued: Iterable[Job],
    running: Iterable[Job],
    max_running: int,
    applying: ApplyingRule,
) -> Pass:
    """One pass over the given state, from scratch (what ``Scheduler`` does incrementally)."""
    scheduler = Scheduler(applying)
    for job in running:
        scheduler.running(job)
    for job in queued:
        scheduler.add(job)
    return scheduler.next_pass(max_running)
