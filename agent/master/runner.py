"""Running one handed-over job: its opcodes in order, each through its logical unit.

An opcode waits (dependencies, then locks level by level), runs its check and
exec phases, and is finalised; its final state is written before the next
opcode starts, so a crash between two opcodes re-queues the job at the right
place (Ganeti's Q3). The writes share the queue's group commits: a job that
waits for nothing costs one commit to start (waiting and running together)
and one to end (its last opcode and the job). A cancel request stops a job that is still waiting, and
cancels the rest of a running job after its current opcode.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agent.errors import GanetiError, OpExecError, OpPrereqError, RpcError
from agent.master import opcodes
from agent.master.jobs import Job, OpStatus, QueuedOpCode, now_ts
from agent.master.locks import LEVELS
from agent.master.lu import REGISTRY as LU_REGISTRY

if TYPE_CHECKING:
    from agent.master.queue import JobQueue

log = logging.getLogger(__name__)

CANCELED_BY_REQUEST = "Job canceled by request"


class _Canceled(Exception):
    """The job's cancel request was honoured while it waited."""


@dataclass(eq=False)
class RunState:
    job: Job
    task: asyncio.Task[None] = field(init=False)
    cancel_requested: bool = False
    wait: asyncio.Task[Any] | None = None


class JobRunner:
    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue

    def start(self, job: Job) -> RunState:
        state = RunState(job)
        state.task = asyncio.create_task(self._run(state), name=f"job-{job.id}")
        return state

    def interrupt_wait(self, state: RunState) -> None:
        """Cancel request for a waiting job: mark its opcodes canceling and stop the wait."""
        for op in state.job.ops:
            if op.status in (OpStatus.QUEUED, OpStatus.WAITING):
                if op.status == OpStatus.WAITING:
                    op.status = OpStatus.CANCELING
        self.queue.writer.update_soon(state.job)
        self.queue.changed(state.job)
        if state.wait is not None and not state.wait.done():
            state.wait.cancel()

    async def _waiting(self, state: RunState, awaitable: Any) -> Any:
        """Await a wait phase (dependencies, locks) that a cancel request may interrupt."""
        if state.cancel_requested:
            raise _Canceled
        state.wait = asyncio.ensure_future(awaitable)
        try:
            return await state.wait
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if state.cancel_requested and task is not None and not task.cancelling():
                raise _Canceled from None
            raise
        finally:
            state.wait = None

    async def _run(self, state: RunState) -> None:
        job = state.job
        queue = self.queue
        try:
            for index, op in enumerate(job.ops):
                if op.status.finalised:
                    continue
                if state.cancel_requested:
                    self._cancel_rest(job, index, CANCELED_BY_REQUEST)
                    break
                await self._run_opcode(state, index, op)
                if op.status != OpStatus.SUCCESS:
                    if op.status == OpStatus.CANCELED:
                        self._cancel_rest(job, index + 1, CANCELED_BY_REQUEST)
                    else:
                        self._fail_rest(job, index + 1)
                    break
                if index + 1 < len(job.ops):
                    # Durable before the next opcode starts: a crash re-queues the job there.
                    await queue.writer.update(job)
                    queue.changed(job)
            # The last opcode's end and the job's end go to disk in one write, before
            # ``finished`` reports them.
            job.end_timestamp = now_ts()
            await queue.writer.update(job)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("job %d failed unexpectedly", job.id)
        finally:
            queue.finished(job)

    def _cancel_rest(self, job: Job, start: int, result: Any) -> None:
        ts = now_ts()
        for op in job.ops[start:]:
            if not op.status.finalised:
                op.status, op.result, op.end_timestamp = OpStatus.CANCELED, result, ts

    def _fail_rest(self, job: Job, start: int) -> None:
        ts = now_ts()
        for op in job.ops[start:]:
            if not op.status.finalised:
                op.status, op.end_timestamp = OpStatus.ERROR, ts
                op.result = OpExecError("Preceding opcode failed").encode()

    async def _run_opcode(self, state: RunState, index: int, op: QueuedOpCode) -> None:
        job = state.job
        queue = self.queue
        ts = now_ts()
        op.status, op.start_timestamp = OpStatus.WAITING, ts
        job.start_timestamp = job.start_timestamp or ts
        # Written with the next transaction, not on its own: nothing has run yet, so
        # a crash before it lands only leaves the job queued; when nothing waits it
        # shares the RUNNING write below.
        queue.writer.update_later(job)
        queue.changed(job)

        def feedback(message: str) -> None:
            job.add_log(index, message)
            queue.writer.update_soon(job)
            queue.changed(job)

        try:
            if op.input.get("depends") and await self._waiting(state, self._check_dependencies(job, index, op)):
                op.status, op.result = OpStatus.CANCELED, CANCELED_BY_REQUEST
            else:
                op.result = await self._execute(state, index, op, feedback)
                op.status = OpStatus.SUCCESS
        except _Canceled:
            op.status, op.result = OpStatus.CANCELED, CANCELED_BY_REQUEST
        except GanetiError as exc:
            op.status, op.result = OpStatus.ERROR, exc.encode()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("opcode %s of job %d raised", op.input["OP_ID"], job.id)
            op.status, op.result = OpStatus.ERROR, OpExecError(str(exc)).encode()
        finally:
            queue.locks.release_all(job.id)
        op.end_timestamp = now_ts()

    async def _check_dependencies(self, job: Job, index: int, op: QueuedOpCode) -> bool:
        """Check the opcode's dependencies; True when the job must be canceled."""
        for dep_id, wanted in op.input.get("depends") or []:
            dep_id = int(dep_id)
            if dep_id == job.id:
                raise OpExecError("Job can't depend on itself")
            dep = await self.queue.get(dep_id)
            if dep is None:
                raise OpExecError(f"Dependency error: Job {dep_id} not found")
            status = dep.status
            if status == OpStatus.CANCELED and "canceled" not in wanted:
                job.add_log(index, f"Dependency job {dep_id} was cancelled")
                return True
            if wanted and str(status) not in wanted:
                raise OpExecError(
                    f"Dependency job {dep_id} finished with status '{status}', not one of "
                    f"'{', '.join(wanted)}' as required"
                )
            job.add_log(index, f"Dependency job {dep_id} finished with status '{status}'")
        return False

    async def _execute(
        self, state: RunState, index: int, op: QueuedOpCode, feedback: Callable[[str], None]
    ) -> Any:
        queue = self.queue
        job = state.job
        assert queue.context_factory is not None
        op_id = op.input["OP_ID"]
        lu_class = LU_REGISTRY.get(op_id)
        if lu_class is None:
            raise OpExecError(f"Opcode {op_id} is not implemented")
        secrets = queue.secrets.get(job.id, {}).get(index, {})
        if opcodes.has_redacted_secrets(op.input) and not secrets:
            raise OpExecError("Please re-submit secret parameters to job.")
        lu = lu_class(queue.context_factory(job, index, feedback), op.input, secrets)
        await lu.expand_names()
        for level in LEVELS:
            wants = await lu.needed_locks(level)
            if wants:
                await self._waiting(state, queue.locks.acquire(job.id, wants, op.priority))
        op.status, op.exec_timestamp = OpStatus.RUNNING, now_ts()
        await queue.writer.update(job)
        queue.changed(job)
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

