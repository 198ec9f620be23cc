"""The job queue: durable submission, control (cancel, priority, archive, drain) and scheduling.

A job is committed before its id is returned (submissions share commits, see
``writer``). The scheduler runs whenever something changes — a submission, a
job ending, a rule or priority change — never on a timer. Running a job is
``runner``'s business; this module decides when.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from agent.errors import GanetiError, JobLost, OpCodeError, QueueDrained
from agent.master import opcodes
from agent.master.config import Config
from agent.master.events import QueueEvents
from agent.master.filters import FilterSet
from agent.master.jobs import Job, OpStatus, QueuedOpCode, now_ns, now_ts
from agent.master.locks import LockManager
from agent.master.lu.base import LuContext
from agent.master.runner import JobRunner, RunState
from agent.master.scheduler import Scheduler
from agent.master.writer import JobWriter

log = logging.getLogger(__name__)

DEFAULT_MAX_RUNNING = 20
DEATH_SOURCE = "gnt:daemon:luxid:deathdetection"
CANCEL_WAIT_S = 44.0
DRAIN_KEY = "drain_flag"

LuContextFactory = Callable[[Job, int, Callable[[str], None]], LuContext]


class JobQueue:
    def __init__(self, config: Config, max_running: int = DEFAULT_MAX_RUNNING) -> None:
        self.config = config
        self.locks = LockManager()
        self.events = QueueEvents()
        self.writer = JobWriter(config)
        self.runner = JobRunner(self)
        self.max_running = max_running
        self.filters = FilterSet()
        self.scheduler = Scheduler(self.filters.applying)
        self.context_factory: LuContextFactory | None = None
        self.live: dict[int, Job] = {}
        self.queued: dict[int, Job] = {}
        self.running: dict[int, RunState] = {}
        self.secrets: dict[int, dict[int, dict[str, Any]]] = {}
        self._watchers: dict[int, asyncio.Event] = {}
        self._published: dict[int, tuple[OpStatus, int]] = {}
        self._summaries: dict[int, tuple[tuple[str, ...], str]] = {}
        self.drained = False
        self._stopping = False

    # -- change notification ---------------------------------------------------

    def changed(self, job: Job) -> None:
        """Wake the job's watchers, and publish its status when it changed."""
        event = self._watchers.pop(job.id, None)
        if event is not None:
            event.set()
        status, priority = job.status, job.priority
        key = (status, priority)
        if self._published.get(job.id) != key:
            self._published[job.id] = key
            self.events.publish(job.id, str(status), priority, self.summary(job), reason=self._reason(job))
            if status.finalised:
                self._published.pop(job.id, None)
                self._summaries.pop(job.id, None)

    def summary(self, job: Job) -> tuple[str, ...]:
        """The job's opcode summaries, worked out once while it is live (opcode inputs never change)."""
        found = self._summaries.get(job.id)
        if found is None:
            found = (tuple(_op_summary(op.input) for op in job.ops), _user_reason(job))
            if job.id in self.live:
                self._summaries[job.id] = found
        return found[0]

    def _reason(self, job: Job) -> str:
        found = self._summaries.get(job.id)
        return found[1] if found is not None else _user_reason(job)

    # -- start-up --------------------------------------------------------------

    async def recover(self) -> None:
        """Fail the jobs a crash killed, then queue the ones that never started."""
        self.drained = (await self.config.run(self.config.store.get_meta, DRAIN_KEY, "0")) == "1"
        stored = await self.config.run(self.config.store.unfinished_jobs)
        for record in stored:
            job = Job.from_dict(record.data)
            if job.status == OpStatus.QUEUED:
                self.live[job.id] = job
                self.queued[job.id] = job
                self.scheduler.add(job)
                continue
            self.fail_dead(job)
            log.warning("Detected death of job %d", job.id)
            await self.writer.update(job)
        self.schedule()

    def fail_dead(self, job: Job) -> None:
        """Ganeti's death detection: every opcode errors with the same plain-string result."""
        message = f"detected death of job {job.id}"
        ts = now_ts()
        for op in job.ops:
            op.status = OpStatus.ERROR
            op.result = message
            op.end_timestamp = ts
            op.input.setdefault("reason", []).append([DEATH_SOURCE, message, now_ns()])
        job.end_timestamp = ts

    # -- submission ------------------------------------------------------------

    async def submit(self, ops: list[Any], secrets: dict[int, dict[str, Any]] | None = None) -> int:
        (job_id,) = await self.submit_many([ops], [secrets or {}])
        return job_id

    async def submit_many(
        self,
        jobs: list[list[Any]],
        secrets: list[dict[int, dict[str, Any]]] | None = None,
        internal: bool = False,
    ) -> list[int]:
        """Validate, commit and enqueue jobs; ids are consecutive in the given order."""
        if self.drained and not internal:
            raise QueueDrained("Queue drained")
        prepared = [
            _prepare(ops, (secrets or [{}] * len(jobs))[index]) for index, ops in enumerate(jobs)
        ]
        return await self._enqueue(prepared)

    async def submit_each(
        self, jobs: list[list[Any] | GanetiError], secrets: list[dict[int, dict[str, Any]]] | None = None
    ) -> list[int | GanetiError]:
        """Ganeti's SubmitManyJobs: one result per job, in order — its id, or the error that
        refused it (a job may also arrive as the error its decoding raised). The accepted jobs
        are committed together, with consecutive ids."""
        if self.drained:
            raise QueueDrained("Queue drained")
        results: list[int | GanetiError] = []
        accepted: list[tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]] = []
        slots: list[int] = []
        for index, ops in enumerate(jobs):
            if isinstance(ops, GanetiError):
                results.append(ops)
                continue
            try:
                accepted.append(_prepare(ops, secrets[index] if secrets else {}))
            except GanetiError as exc:
                results.append(exc)
                continue
            slots.append(len(results))
            results.append(0)
        ids = await self._enqueue(accepted) if accepted else []
        for slot, job_id in zip(slots, ids, strict=True):
            results[slot] = job_id
        return results

    async def _enqueue(self, prepared: list[tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]]) -> list[int]:
        """Commit validated jobs, then hand them to the scheduler; their ids."""
        received = now_ts()
        received_ns = received[0] * 10**9 + received[1] * 10**3
        builders = [_Builder(ops, received, received_ns) for ops, _ in prepared]
        ids = await self.writer.add(list(builders))
        for job_id, builder, (_, hidden) in zip(ids, builders, prepared, strict=True):
            job = builder.job
            self.live[job_id] = job
            self.queued[job_id] = job
            self.scheduler.add(job)
            if hidden:
                self.secrets[job_id] = hidden
            self.changed(job)
        self.schedule()
        return ids

    # -- queries ---------------------------------------------------------------

    async def get(self, job_id: int) -> Job | None:
        job = self.live.get(job_id)
        if job is not None:
            return job
        record = await self.config.run(self.config.store.get_job, job_id)
        return Job.from_dict(record.data, record.archived) if record else None

    async def all_jobs(self, include_archived: bool = False) -> list[Job]:
        records = await self.config.run(self.config.store.list_jobs, include_archived)
        return [self.live.get(r.id) or Job.from_dict(r.data, r.archived) for r in records]

    async def watch(self, job_id: int, after_serial: int = 0) -> AsyncIterator[tuple[Job, list[list[Any]]]]:
        """Yield (job, new log entries) on every change until the job is finalised."""
        last_status: str | None = None
        while True:
            event = self._watchers.setdefault(job_id, asyncio.Event())
            job = await self.get(job_id)
            if job is None or job.archived:
                raise JobLost("Can't load job file")
            entries = [e for op in job.ops for e in op.log if e[0] > after_serial]
            if entries or job.status != last_status:
                if entries:
                    after_serial = max(e[0] for e in entries)
                last_status = job.status
                yield job, entries
            if job.status.finalised:
                return
            if job_id not in self.live:
                continue  # finalised between our look-ups: read the stored state again
            await event.wait()

    # -- control ---------------------------------------------------------------

    async def cancel(self, job_id: int, kill: bool = False) -> tuple[bool, str]:
        job = self.queued.get(job_id)
        if job is not None:
            del self.queued[job_id]
            self.scheduler.remove(job)
            self._finish_canceled(job, result=None)
            try:
                await self.writer.update(job)
            except Exception as exc:
                return False, f"Dequeued job {job_id}, but failed to mark as cancelled: {exc}"
            finally:
                self.changed(job)
                self.schedule()
            return True, f"Dequeued job {job_id}"
        state = self.running.get(job_id)
        if state is None:
            return False, f"Job {job_id} not found in queue"
        job = state.job
        if kill:
            state.task.cancel()
            await asyncio.gather(state.task, return_exceptions=True)
            self.fail_dead(job)
            await self.writer.update(job)
            self.changed(job)
            return True, "SIGKILL send to the process"
        status = job.status
        state.cancel_requested = True
        if status not in (OpStatus.QUEUED, OpStatus.WAITING):
            return False, "Job no longer waiting, can't cancel (informed it anyway)"
        self.runner.interrupt_wait(state)
        try:
            await asyncio.wait_for(asyncio.shield(state.task), CANCEL_WAIT_S)
        except TimeoutError:
            pass
        final = job.status
        if final == OpStatus.CANCELED:
            return True, "Job successfully cancelled"
        name = "JOB_STATUS_" + str(final).upper()
        if final.finalised:
            return False, f"Job exited before it could have been canceled, status {name}"
        return False, f"Job could not be canceled, status {name}"

    def forget(self, job_id: int) -> None:
        """Drop what is cached about a job that left the live queue."""
        self.filters.forget(job_id)

    def _finish_canceled(self, job: Job, result: Any) -> None:
        self.forget(job.id)
        ts = now_ts()
        for op in job.ops:
            if not op.status.finalised:
                op.status, op.result, op.end_timestamp = OpStatus.CANCELED, result, ts
        job.end_timestamp = ts
        self.live.pop(job.id, None)
        self.secrets.pop(job.id, None)

    async def change_priority(self, job_id: int, priority: int) -> tuple[bool, str]:
        job = self.queued.get(job_id)
        if job is not None:
            for op in job.ops:
                if not op.status.finalised:
                    op.priority = priority
            self.scheduler.reprioritised(job)
            await self.writer.update(job)
            self.changed(job)
            self.schedule()
            return True, f"Priorities of pending opcodes for job {job_id} have been changed to {priority}"
        state = self.running.get(job_id)
        if state is None:
            return False, f"Job {job_id} not found in queue"
        job = state.job
        if priority in opcodes.PRIORITIES and job.status not in (OpStatus.CANCELING,) and not job.status.finalised:
            for op in job.ops:
                if op.status in (OpStatus.QUEUED, OpStatus.WAITING):
                    op.priority = priority
            self.locks.set_priority(job_id, priority)
            await self.writer.update(job)
            self.changed(job)
        return True, f"Job {job_id} with pid {os.getpid()} signaled"

    async def archive(self, job_id: int) -> bool:
        if job_id in self.live:
            return False
        count = await self.config.run(self.config.store.archive_jobs, [job_id])
        if count:
            self.events.publish(job_id, "archived", 0, (), removed=True)
        return bool(count)

    async def autoarchive(self, age: int, timeout: float) -> tuple[int, int]:
        """Archive finalised jobs older than ``age`` seconds (``-1``: all); answer (archived, left)."""
        deadline = time.monotonic() + timeout
        cutoff = time.time() - age if age >= 0 else float("inf")
        candidates = [j for j in await self.all_jobs() if j.status.finalised and j.id not in self.live]
        archived, left = [], 0
        for index, job in enumerate(candidates):
            if time.monotonic() > deadline:
                left = len(candidates) - index
                break
            ts = job.end_timestamp or job.start_timestamp
            stamp = ts[0] + ts[1] / 1e6 if ts else None
            if age < 0 or (stamp is not None and stamp < cutoff):
                archived.append(job.id)
        count = 0
        for start in range(0, len(archived), 500):
            chunk = archived[start:start + 500]
            count += await self.config.run(self.config.store.archive_jobs, chunk)
            for job_id in chunk:
                self.events.publish(job_id, "archived", 0, (), removed=True)
        return count, left

    async def set_drained(self, drained: bool) -> None:
        await self.config.run(self.config.store.set_meta, DRAIN_KEY, "1" if drained else "0")
        self.drained = drained

    def set_max_running(self, value: int) -> None:
        self.max_running = value
        self.schedule()

    def rules_changed(self) -> None:
        """Filter rules changed: re-evaluate every queued job now (Ganeti's rescheduling)."""
        self.scheduler.rules_changed()
        self.schedule()

    # -- scheduling ------------------------------------------------------------

    def schedule(self) -> None:
        """One scheduling pass; starts jobs as tasks and cancels REJECTed ones."""
        if self._stopping or not self.queued:
            return
        if len(self.running) >= self.max_running and not self.scheduler.has_rejects:
            return  # no free slot and nothing to reject: the pass could change nothing
        decided = self.scheduler.next_pass(self.max_running)
        for job, rule in decided.reject:
            log.debug("Cancelling job %d because it was REJECTed by filter rule %s", job.id, rule.uuid)
            del self.queued[job.id]
            self._finish_canceled(job, result=None)
            self.writer.update_soon(job)
            self.changed(job)
        for job in decided.start:
            del self.queued[job.id]
            self.running[job.id] = self.runner.start(job)

    def finished(self, job: Job) -> None:
        """Called by the runner when a handed-over job is done."""
        self.forget(job.id)
        self.running.pop(job.id, None)
        self.scheduler.finished(job)
        self.live.pop(job.id, None)
        self.secrets.pop(job.id, None)
        self.locks.release_all(job.id)
        self.changed(job)
        self.schedule()

    # -- shutdown --------------------------------------------------------------

    async def stop(self) -> None:
        """Stop running jobs where they are: a restart treats them as a crash would."""
        self._stopping = True
        tasks = [s.task for s in self.running.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.writer.drain()


_SUMMARIES: dict[tuple[Any, ...], str] = {}


def _op_summary(op: dict[str, Any]) -> str:
    """``opcodes.summary``, remembered per opcode and summarised value (most jobs repeat them)."""
    op_id = op.get("OP_ID")
    opdef = opcodes.REGISTRY.get(op_id) if isinstance(op_id, str) else None
    value = op.get(opdef.summary_field) if opdef is not None and opdef.summary_field else None
    if opdef is None or not isinstance(value, (str, int, float, type(None))):
        return opcodes.summary(op)
    key = (op_id, type(value), value)
    found = _SUMMARIES.get(key)
    if found is None:
        if len(_SUMMARIES) >= 10_000:
            _SUMMARIES.clear()
        found = _SUMMARIES[key] = opcodes.summary(op)
    return found


def _user_reason(job: Job) -> str:
    for entry in job.ops[0].input.get("reason", []) if job.ops else []:
        if entry[0] == "gnt:user":
            return str(entry[1])
    return ""


def _prepare(ops: Any, extra: dict[int, dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    """Validate one job's opcodes; split their secrets off."""
    if not isinstance(ops, list):
        raise OpCodeError("a job must be a list of opcodes")
    stored_ops: list[dict[str, Any]] = []
    job_secrets: dict[int, dict[str, Any]] = {}
    for op_index, raw in enumerate(ops):
        if isinstance(raw, dict) and op_index in extra:
            raw = {**raw, **extra[op_index]}
        stored, op_secrets = opcodes.split_secrets(opcodes.validate(raw))
        if op_secrets:
            job_secrets[op_index] = op_secrets
        stored_ops.append(stored)
    return stored_ops, job_secrets


class _Builder:
    """Builds the stored job once its id is known: luxid's reason entry, absolute dependencies."""

    def __init__(self, ops: list[dict[str, Any]], received: list[int], received_ns: int) -> None:
        self.ops, self.received, self.received_ns = ops, received, received_ns
        self.job: Job

    def __call__(self, job_id: int) -> dict[str, Any]:
        ops, received, received_ns = self.ops, self.received, self.received_ns
        queued = []
        for i, op in enumerate(ops):
            op = dict(op)
            op["reason"] = [
                *op["reason"],
                [opcodes.REGISTRY[op["OP_ID"]].reason_source, f"job={job_id};index={i}", received_ns],
            ]
            if op.get("depends"):
                op["depends"] = [[_absolute(int(d[0]), job_id), d[1]] for d in op["depends"]]
            queued.append(QueuedOpCode(op, priority=op["priority"]))
        self.job = Job(job_id, queued, received_timestamp=received)
        return self.job.to_dict()


def _absolute(target: int, job_id: int) -> int:
    # A relative id that points before job 1 is kept negative: the runner fails
    # the job with "Dependency error" instead of failing a whole shared commit.
    return job_id + target if target < 0 else target
