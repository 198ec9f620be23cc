"""The job queue: durable submission, an event-driven scheduler, execution and live watching.

A job is committed to the store before its id is returned. The scheduler runs
whenever something changes (submission, a job ending), never on a timer;
each job runs as an asyncio task that executes its opcodes one after another
through their logical units, holding the locks they declare.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from agent.errors import GanetiError, JobLost, OpCodeError, OpExecError, OpPrereqError, RpcError
from agent.master import opcodes
from agent.master.config import Config
from agent.master.jobs import Job, OpStatus, QueuedOpCode, now_ns, now_ts
from agent.master.locks import LEVELS, LockManager
from agent.master.lu import REGISTRY as LU_REGISTRY
from agent.master.lu.base import LogicalUnit, LuContext

log = logging.getLogger(__name__)

DEFAULT_MAX_RUNNING = 20
DEATH_SOURCE = "gnt:daemon:luxid:deathdetection"

LuContextFactory = Callable[[Job, int, Callable[[str], None]], LuContext]


class JobQueue:
    def __init__(self, config: Config, max_running: int = DEFAULT_MAX_RUNNING) -> None:
        self.config = config
        self.locks = LockManager()
        self.max_running = max_running
        self.context_factory: LuContextFactory | None = None
        self._live: dict[int, Job] = {}
        self._queued: list[int] = []
        self._running: set[int] = set()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._secrets: dict[int, dict[int, dict[str, Any]]] = {}
        self._changed: dict[int, asyncio.Event] = {}

    # -- persistence -----------------------------------------------------------

    async def _persist(self, job: Job) -> None:
        data = job.to_dict()
        await self.config.run(self.config.store.update_job, job.id, data["status"], data)

    def _persist_soon(self, job: Job) -> None:
        data = job.to_dict()
        fut = asyncio.get_running_loop().run_in_executor(
            self.config._executor, self.config.store.update_job, job.id, data["status"], data
        )
        fut.add_done_callback(_log_failure)

    def _notify(self, job: Job) -> None:
        event = self._changed.pop(job.id, None)
        if event is not None:
            event.set()

    # -- start-up --------------------------------------------------------------

    async def recover(self) -> None:
        """Fail the jobs a crash killed, then queue the ones that never started."""
        stored = await self.config.run(self.config.store.unfinished_jobs)
        for record in stored:
            job = Job.from_dict(record.data)
            if job.status == OpStatus.QUEUED:
                self._live[job.id] = job
                self._queued.append(job.id)
                continue
            message = f"detected death of job {job.id}"
            ts = now_ts()
            for op in job.ops:
                op.status = OpStatus.ERROR
                op.result = message
                op.end_timestamp = ts
                op.input.setdefault("reason", []).append([DEATH_SOURCE, message, now_ns()])
            job.end_timestamp = ts
            log.warning("Detected death of job %d", job.id)
            await self._persist(job)
        self._queued.sort()
        self._schedule()

    # -- submission ------------------------------------------------------------

    async def submit(
        self, ops: list[Any], secrets: dict[int, dict[str, Any]] | None = None
    ) -> int:
        (job_id,) = await self.submit_many([ops], [secrets or {}])
        return job_id

    async def submit_many(
        self, jobs: list[list[Any]], secrets: list[dict[int, dict[str, Any]]] | None = None
    ) -> list[int]:
        """Validate, commit and enqueue jobs; ids are consecutive in the given order."""
        if isinstance(jobs, list) and not all(isinstance(j, list) for j in jobs):
            raise OpCodeError("a job must be a list of opcodes")
        prepared: list[tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]] = []
        for index, ops in enumerate(jobs):
            extra = (secrets or [{}] * len(jobs))[index]
            stored_ops: list[dict[str, Any]] = []
            job_secrets: dict[int, dict[str, Any]] = {}
            for op_index, raw in enumerate(ops):
                if isinstance(raw, dict) and op_index in extra:
                    raw = {**raw, **extra[op_index]}
                op = opcodes.validate(raw)
                stored, op_secrets = opcodes.split_secrets(op)
                if op_secrets:
                    job_secrets[op_index] = op_secrets
                stored_ops.append(stored)
            prepared.append((stored_ops, job_secrets))
        received = now_ts()
        received_ns = received[0] * 10**9 + received[1] * 10**3

        def builder(ops: list[dict[str, Any]]) -> Callable[[int], dict[str, Any]]:
            def build(job_id: int) -> dict[str, Any]:
                queued = []
                for i, op in enumerate(ops):
                    op = dict(op)
                    op["reason"] = [
                        *op["reason"],
                        [opcodes.REGISTRY[op["OP_ID"]].reason_source, f"job={job_id};index={i}", received_ns],
                    ]
                    if op.get("depends"):
                        op["depends"] = [_absolute(dep, job_id) for dep in op["depends"]]
                    queued.append(QueuedOpCode(op, priority=op["priority"]))
                return Job(job_id, queued, received_timestamp=received).to_dict()

            return build

        ids = await self.config.run(
            self.config.store.add_jobs, [builder(ops) for ops, _ in prepared]
        )
        for job_id, (_, hidden) in zip(ids, prepared, strict=True):
            record = await self.config.run(self.config.store.get_job, job_id)
            assert record is not None
            self._live[job_id] = Job.from_dict(record.data)
            if hidden:
                self._secrets[job_id] = hidden
            self._queued.append(job_id)
        self._schedule()
        return ids

    # -- queries ---------------------------------------------------------------

    async def get(self, job_id: int) -> Job | None:
        job = self._live.get(job_id)
        if job is not None:
            return job
        record = await self.config.run(self.config.store.get_job, job_id)
        return Job.from_dict(record.data, record.archived) if record else None

    async def all_jobs(self) -> list[Job]:
        records = await self.config.run(self.config.store.list_jobs, False)
        return [self._live.get(r.id) or Job.from_dict(r.data, r.archived) for r in records]

    async def watch(self, job_id: int, after_serial: int = 0) -> AsyncIterator[tuple[Job, list[list[Any]]]]:
        """Yield (job, new log entries) on every change until the job is finalised."""
        last_status: str | None = None
        while True:
            event = self._changed.setdefault(job_id, asyncio.Event())
            job = await self.get(job_id)
            if job is None:
                raise JobLost(f"Job {job_id} not found")
            entries = [e for op in job.ops for e in op.log if e[0] > after_serial]
            if entries or job.status != last_status:
                if entries:
                    after_serial = max(e[0] for e in entries)
                last_status = job.status
                yield job, entries
            if job.status.finalised:
                return
            if job_id not in self._live:
                # Finalised between our look-ups: read the stored state once more.
                continue
            await event.wait()

    # -- scheduling ------------------------------------------------------------

    def _schedule(self) -> None:
        if not self._queued:
            return
        pending = set(self._queued) | self._running
        candidates = []
        for job_id in self._queued:
            job = self._live[job_id]
            deps = {int(d[0]) for op in job.ops for d in (op.input.get("depends") or [])}
            if not deps & pending:
                candidates.append(job)
        candidates.sort(key=lambda j: (j.priority, j.id))
        free = self.max_running - len(self._running)
        for job in candidates[: max(free, 0)]:
            self._queued.remove(job.id)
            self._running.add(job.id)
            self._tasks[job.id] = asyncio.create_task(self._run(job), name=f"job-{job.id}")

    async def _run(self, job: Job) -> None:
        try:
            for index, op in enumerate(job.ops):
                if op.status.finalised:
                    continue
                await self._run_opcode(job, index, op)
                if op.status != OpStatus.SUCCESS:
                    ts = now_ts()
                    for later in job.ops[index + 1:]:
                        if op.status == OpStatus.CANCELED:
                            later.status, later.result = OpStatus.CANCELED, "Job canceled by request"
                        else:
                            later.status = OpStatus.ERROR
                            later.result = OpExecError("Preceding opcode failed").encode()
                        later.end_timestamp = ts
                    break
            job.end_timestamp = now_ts()
            await self._persist(job)
        except Exception:
            log.exception("job %d failed unexpectedly", job.id)
        finally:
            self.locks.release_all(job.id)
            self._running.discard(job.id)
            self._tasks.pop(job.id, None)
            self._live.pop(job.id, None)
            self._secrets.pop(job.id, None)
            self._notify(job)
            self._schedule()

    async def _check_dependencies(self, job: Job, index: int, op: QueuedOpCode) -> OpStatus | None:
        for dep_id, wanted in (op.input.get("depends") or []):
            dep_id = int(dep_id)
            if dep_id == job.id:
                raise OpExecError("Job can't depend on itself")
            dep = await self.get(dep_id)
            if dep is None:
                raise OpExecError(f"Dependency error: Job {dep_id} not found")
            status = dep.status
            if status == OpStatus.CANCELED and "canceled" not in wanted:
                job.add_log(index, f"Dependency job {dep_id} was cancelled")
                return OpStatus.CANCELED
            if wanted and str(status) not in wanted:
                raise OpExecError(
                    f"Dependency job {dep_id} finished with status '{status}', not one of "
                    f"'{', '.join(wanted)}' as required"
                )
            job.add_log(index, f"Dependency job {dep_id} finished with status '{status}'")
        return None

    async def _run_opcode(self, job: Job, index: int, op: QueuedOpCode) -> None:
        ts = now_ts()
        op.status, op.start_timestamp = OpStatus.WAITING, ts
        job.start_timestamp = job.start_timestamp or ts
        await self._persist(job)
        self._notify(job)

        def feedback(message: str) -> None:
            job.add_log(index, message)
            self._persist_soon(job)
            self._notify(job)

        try:
            if await self._check_dependencies(job, index, op) == OpStatus.CANCELED:
                op.status, op.result = OpStatus.CANCELED, "Job canceled by request"
            else:
                op.result = await self._execute(job, index, op, feedback)
                op.status = OpStatus.SUCCESS
        except GanetiError as exc:
            op.status, op.result = OpStatus.ERROR, exc.encode()
        except Exception as exc:
            log.exception("opcode %s of job %d raised", op.input["OP_ID"], job.id)
            op.status, op.result = OpStatus.ERROR, OpExecError(str(exc)).encode()
        finally:
            self.locks.release_all(job.id)
        op.end_timestamp = now_ts()
        await self._persist(job)
        self._notify(job)

    async def _execute(
        self, job: Job, index: int, op: QueuedOpCode, feedback: Callable[[str], None]
    ) -> Any:
        assert self.context_factory is not None
        op_id = op.input["OP_ID"]
        lu_class = LU_REGISTRY.get(op_id)
        if lu_class is None:
            raise OpExecError(f"Opcode {op_id} is not implemented")
        secrets = self._secrets.get(job.id, {}).get(index, {})
        if _has_redacted_secrets(op.input) and not secrets:
            raise OpExecError("Please re-submit secret parameters to job.")
        lu: LogicalUnit = lu_class(self.context_factory(job, index, feedback), op.input, secrets)
        await lu.expand_names()
        for level in LEVELS:
            wants = await lu.needed_locks(level)
            await self.locks.acquire(job.id, wants, op.priority)
        op.status, op.exec_timestamp = OpStatus.RUNNING, now_ts()
        await self._persist(job)
        self._notify(job)
        try:
            await lu.check_prereq()
        except RpcError as exc:
            raise OpPrereqError(exc.message, "environment_error") from None
        if op.input.get("dry_run"):
            feedback(" - INFO: dry-run mode requested, not actually executing the operation")
            return None
        try:
            return await lu.exec()
        except RpcError as exc:
            raise OpExecError(exc.message) from None

    # -- shutdown --------------------------------------------------------------

    async def stop(self) -> None:
        """Stop running jobs where they are: a restart treats them as a crash would."""
        self.max_running = 0
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _absolute(dep: list[Any], job_id: int) -> list[Any]:
    target = int(dep[0])
    if target < 0:
        target = job_id + target
        if target < 0:
            raise OpCodeError(f"Invalid value for job ID ' {dep[0]}'")
    return [target, dep[1]]


def _has_redacted_secrets(op: dict[str, Any]) -> bool:
    opdef = opcodes.REGISTRY[op["OP_ID"]]
    for f in opdef.fields:
        value = op.get(f.name)
        if f.secret and value is not None:
            if value == opcodes.REDACTED or (isinstance(value, dict) and opcodes.REDACTED in value.values()):
                return True
    return False


def _log_failure(fut: asyncio.Future[Any]) -> None:
    if not fut.cancelled() and fut.exception() is not None:
        log.error("could not write a job update: %s", fut.exception())
