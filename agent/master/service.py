"""The Cluster API gRPC service: jobs, watching and queries, for the shell, the TUI and scripts."""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import grpc

from agent import pki
from agent.errors import GanetiError, JobLost, OpCodeError, OpPrereqError, QueueDrained
from agent.htools import HtoolsError
from agent.master.balance_rpc import execute_balance
from agent.master.events import ResyncNeeded
from agent.master.filters import dry_run, new_rule
from agent.master.jobs import Job
from agent.master.preview import PreviewOptions, preview
from agent.master.query import query
from protos import cluster_pb2, cluster_pb2_grpc

if TYPE_CHECKING:
    from agent.master.master import Master

R = TypeVar("R")
ERROR_KEY = "ganeti-error"
# Queue updates per WatchQueue message: a 100,000-job snapshot is 100 messages.
UPDATES_PER_MESSAGE = 1000

_STATUS = {
    OpCodeError: grpc.StatusCode.INVALID_ARGUMENT,
    OpPrereqError: grpc.StatusCode.FAILED_PRECONDITION,
    JobLost: grpc.StatusCode.NOT_FOUND,
    QueueDrained: grpc.StatusCode.FAILED_PRECONDITION,
}


async def abort_with(context: grpc.aio.ServicerContext, exc: GanetiError) -> None:
    context.set_trailing_metadata(((ERROR_KEY, json.dumps(exc.encode())),))
    await context.abort(_STATUS.get(type(exc), grpc.StatusCode.UNKNOWN), exc.message)


async def check_caller(context: grpc.aio.ServicerContext) -> None:
    """Over TCP, only the master's and administrators' certificates may use the API.

    Node certificates are signed by the same CA but grant nothing here. Unix
    socket callers carry no certificate; the socket's mode guards them.
    """
    names = context.auth_context().get("x509_common_name")
    if not names:
        return
    name = names[0].decode()
    if name != pki.MASTER_IDENTITY and not name.startswith(pki.ADMIN_PREFIX):
        await context.abort(grpc.StatusCode.PERMISSION_DENIED, f"certificate {name} may not use the Cluster API")


def mapped(
    method: Callable[[Any, Any, grpc.aio.ServicerContext], Awaitable[R]],
) -> Callable[[Any, Any, grpc.aio.ServicerContext], Awaitable[R]]:
    """Turn our errors into gRPC status codes plus the encoded error in trailing metadata."""

    @functools.wraps(method)
    async def wrapper(self: Any, request: Any, context: grpc.aio.ServicerContext) -> R:
        await check_caller(context)
        try:
            return await method(self, request, context)
        except GanetiError as exc:
            await abort_with(context, exc)
            raise

    return wrapper


def _decode_job(request: cluster_pb2.SubmitJobRequest) -> tuple[list[Any], dict[int, dict[str, Any]]]:
    """A submission's opcodes and secrets, decoded from their JSON."""
    try:
        ops = json.loads(request.ops_json)
        secrets = {int(k): json.loads(v) for k, v in request.secrets_json.items()}
    except ValueError as exc:
        raise OpCodeError(f"malformed JSON: {exc}") from None
    if not isinstance(ops, list):
        raise OpCodeError("a job must be a JSON list of opcodes")
    return ops, secrets


def job_message(job: Job) -> cluster_pb2.Job:
    return cluster_pb2.Job(
        id=job.id, status=str(job.status), priority=job.priority, job_json=json.dumps(job.query())
    )


class ClusterService(cluster_pb2_grpc.ClusterServicer):
    def __init__(self, master: Master) -> None:
        self.master = master

    @mapped
    async def SubmitJob(
        self, request: cluster_pb2.SubmitJobRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.SubmitJobReply:
        return cluster_pb2.SubmitJobReply(job_id=await self._submit(request))

    async def _submit(self, request: cluster_pb2.SubmitJobRequest) -> int:
        """Decode one submission and queue it; its id once it is committed."""
        ops, secrets = _decode_job(request)
        return await self.master.queue.submit(ops, secrets)

    @mapped
    async def SubmitManyJobs(
        self, request: cluster_pb2.SubmitManyJobsRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.SubmitManyJobsReply:
        jobs: list[list[Any] | GanetiError] = []
        secrets: list[dict[int, dict[str, Any]]] = []
        for job in request.jobs:
            try:
                ops, hidden = _decode_job(job)
            except GanetiError as exc:
                jobs.append(exc)
                secrets.append({})
                continue
            jobs.append(ops)
            secrets.append(hidden)
        results = await self.master.queue.submit_each(jobs, secrets)
        Reply = cluster_pb2.SubmitJobReply
        return cluster_pb2.SubmitManyJobsReply(results=[
            Reply(error_json=json.dumps(r.encode())) if isinstance(r, GanetiError) else Reply(job_id=r)
            for r in results
        ])

    async def SubmitJobStream(
        self, requests: AsyncIterator[cluster_pb2.SubmitJobRequest], context: grpc.aio.ServicerContext
    ) -> AsyncIterator[cluster_pb2.SubmitJobReply]:
        await check_caller(context)
        pending: asyncio.Queue[asyncio.Task[cluster_pb2.SubmitJobReply] | None] = asyncio.Queue()

        async def one(request: cluster_pb2.SubmitJobRequest) -> cluster_pb2.SubmitJobReply:
            try:
                return cluster_pb2.SubmitJobReply(job_id=await self._submit(request))
            except GanetiError as exc:
                return cluster_pb2.SubmitJobReply(error_json=json.dumps(exc.encode()))

        async def read() -> None:
            # Every request becomes a submission at once, so that those in flight share commits.
            try:
                async for request in requests:
                    await pending.put(asyncio.create_task(one(request)))
            finally:
                await pending.put(None)

        reader = asyncio.create_task(read())
        try:
            while (task := await pending.get()) is not None:
                yield await task  # in request order
        finally:
            reader.cancel()

    @mapped
    async def GetJobs(
        self, request: cluster_pb2.GetJobsRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.GetJobsReply:
        queue = self.master.queue
        if not request.job_ids:
            everything = await queue.all_jobs(request.include_archived)
            return cluster_pb2.GetJobsReply(jobs=[job_message(j) for j in everything])
        found: list[cluster_pb2.Job] = []
        missing: list[int] = []
        for job_id in request.job_ids:
            job = await queue.get(job_id)
            if job is None:
                missing.append(job_id)
            else:
                found.append(job_message(job))
        return cluster_pb2.GetJobsReply(jobs=found, missing=missing)

    async def WatchJob(
        self, request: cluster_pb2.WatchJobRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[cluster_pb2.JobEvent]:
        await check_caller(context)
        try:
            async for job, entries in self.master.queue.watch(request.job_id, request.after_log_serial):
                final = job.status.finalised
                yield cluster_pb2.JobEvent(
                    job_id=job.id,
                    status=str(job.status),
                    log=[
                        cluster_pb2.LogEntry(
                            serial=e[0], timestamp=e[1][0] + e[1][1] / 1e6, type=e[2],
                            message=e[3] if isinstance(e[3], str) else json.dumps(e[3]),
                            opcode_index=_op_index(job, e[0]),
                        )
                        for e in entries
                    ],
                    final_job_json=json.dumps(job.query()) if final else "",
                )
        except GanetiError as exc:
            await abort_with(context, exc)

    async def WatchQueue(
        self, request: cluster_pb2.WatchQueueRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[cluster_pb2.QueueUpdates]:
        await check_caller(context)
        queue = self.master.queue
        events = queue.events
        epoch = events.epoch
        after = request.after_seq
        try:
            backlog = events.since(after, request.epoch) if request.epoch else None
        except ResyncNeeded:
            backlog = None
        if backlog is None:
            # A snapshot of every live job, consistent with the sequence number it ends at:
            # statuses taken in one go, sent in chunks (summaries never change, so they are
            # worked out chunk by chunk, letting other calls in between).
            after = events.last_seq
            jobs = sorted(queue.live.values(), key=lambda j: j.id)
            rows = [(j, str(j.status), j.priority) for j in jobs]
            for start in range(0, max(len(rows), 1), UPDATES_PER_MESSAGE):
                chunk = rows[start:start + UPDATES_PER_MESSAGE]
                message = cluster_pb2.QueueUpdates()
                add = message.updates.add
                for job, status, priority in chunk:
                    add(seq=after, epoch=epoch, snapshot=True, job_id=job.id, status=status,
                        priority=priority, summary=queue.summary(job))
                if start + UPDATES_PER_MESSAGE >= len(rows):
                    if not chunk:
                        add(seq=after, epoch=epoch, snapshot=True)
                    message.updates[-1].snapshot_end = True
                yield message
        try:
            async for batch in events.follow(after):
                for start in range(0, len(batch), UPDATES_PER_MESSAGE):
                    message = cluster_pb2.QueueUpdates()
                    add = message.updates.add
                    for e in batch[start:start + UPDATES_PER_MESSAGE]:
                        add(seq=e.seq, epoch=epoch, job_id=e.job_id, status=e.status, priority=e.priority,
                            summary=e.summary, removed=e.removed, reason=e.reason)
                    yield message
        except ResyncNeeded:
            await context.abort(grpc.StatusCode.DATA_LOSS, "watcher fell behind the queue history; resubscribe")

    @mapped
    async def CancelJob(
        self, request: cluster_pb2.CancelJobRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.JobControlReply:
        ok, message = await self.master.queue.cancel(request.job_id, request.kill)
        return cluster_pb2.JobControlReply(success=ok, message=message)

    @mapped
    async def ChangeJobPriority(
        self, request: cluster_pb2.ChangeJobPriorityRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.JobControlReply:
        ok, message = await self.master.queue.change_priority(request.job_id, request.priority)
        return cluster_pb2.JobControlReply(success=ok, message=message)

    @mapped
    async def ArchiveJob(
        self, request: cluster_pb2.ArchiveJobRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.JobControlReply:
        ok = await self.master.queue.archive(request.job_id)
        return cluster_pb2.JobControlReply(success=ok)

    @mapped
    async def AutoArchiveJobs(
        self, request: cluster_pb2.AutoArchiveJobsRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.AutoArchiveJobsReply:
        count, left = await self.master.queue.autoarchive(request.age, request.timeout or 89.0)
        return cluster_pb2.AutoArchiveJobsReply(archived=count, left=left)

    @mapped
    async def SetDrainFlag(
        self, request: cluster_pb2.SetDrainFlagRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.SetDrainFlagReply:
        await self.master.queue.set_drained(request.drained)
        return cluster_pb2.SetDrainFlagReply(drained=request.drained)

    @mapped
    async def QueryLocks(
        self, request: cluster_pb2.QueryLocksRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.QueryLocksReply:
        return cluster_pb2.QueryLocksReply(locks=[
            cluster_pb2.LockInfo(
                name=info.name, mode=info.mode or "", owners=list(info.owners),
                pending=[f"{mode}:{owner}" for mode, owner in info.pending],
            )
            for info in self.master.queue.locks.snapshot()
        ])

    @mapped
    async def ReplaceFilter(
        self, request: cluster_pb2.ReplaceFilterRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.ReplaceFilterReply:
        priority, predicates, action, reason = _filter_fields(request)
        uuid = await self.master.replace_filter(request.uuid or None, priority, predicates, action, reason)
        return cluster_pb2.ReplaceFilterReply(uuid=uuid)

    @mapped
    async def DeleteFilter(
        self, request: cluster_pb2.DeleteFilterRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.DeleteFilterReply:
        await self.master.delete_filter(request.uuid)
        return cluster_pb2.DeleteFilterReply()

    @mapped
    async def QueryFilters(
        self, request: cluster_pb2.QueryFiltersRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.QueryFiltersReply:
        wanted = set(request.uuids)
        rules = [r.to_dict() for r in self.master.filters.rules if not wanted or r.uuid in wanted]
        return cluster_pb2.QueryFiltersReply(rules_json=json.dumps(rules))

    @mapped
    async def FilterDryRun(
        self, request: cluster_pb2.ReplaceFilterRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.FilterDryRunReply:
        priority, predicates, action, reason = _filter_fields(request)
        queue = self.master.queue
        watermark = await self.master.config.run(self.master.config.store.job_serial)
        candidate = new_rule(request.uuid or None, priority, predicates, action, reason, watermark, time.time_ns())
        matches = dry_run(
            self.master.filters.rules, candidate, list(queue.queued.values()),
            [s.job for s in queue.running.values()],
        )
        return cluster_pb2.FilterDryRunReply(matches_json=json.dumps(matches), watermark=watermark)

    @mapped
    async def BalancePreview(
        self, request: cluster_pb2.BalancePreviewRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.BalancePreviewReply:
        config, rpc = self.master.config, self.master.rpc
        serial = await config.serial()
        (cluster,), _ = await query(config, rpc, "cluster", [], False)
        groups, _ = await query(config, rpc, "group", [], False)
        nodes, _ = await query(config, rpc, "node", [], True)
        instances, _ = await query(config, rpc, "instance", [], True)
        opts = PreviewOptions(
            max_moves=request.max_moves or -1, min_gain=request.min_gain or 0.01,
            min_gain_limit=request.min_gain_limit or 0.1, min_score=request.min_score or 1e-9,
            evac_mode=request.evac_mode, disk_moves=not request.no_disk_moves,
            instance_moves=not request.no_instance_moves, group=request.group,
        )
        try:
            result = await asyncio.to_thread(preview, cluster, groups, nodes, instances, opts)
        except HtoolsError as exc:
            raise OpPrereqError(str(exc), "wrong_input") from None
        return cluster_pb2.BalancePreviewReply(preview_json=json.dumps(result), cluster_serial=serial)

    @mapped
    async def ExecuteBalance(
        self, request: cluster_pb2.ExecuteBalanceRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.ExecuteBalanceReply:
        job_ids, sizes = await execute_balance(self.master, request)
        return cluster_pb2.ExecuteBalanceReply(job_ids=job_ids, jobset_sizes=sizes)

    @mapped
    async def Query(
        self, request: cluster_pb2.QueryRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.QueryReply:
        try:
            items, missing = await query(
                self.master.config, self.master.rpc, request.kind, list(request.names), request.live
            )
        except ValueError as exc:
            raise OpPrereqError(str(exc), "wrong_input") from None
        return cluster_pb2.QueryReply(items_json=json.dumps(items), missing=missing)

    @mapped
    async def ClusterInfo(
        self, request: cluster_pb2.ClusterInfoRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.ClusterInfoReply:
        items, _ = await query(self.master.config, self.master.rpc, "cluster", [], False)
        items[0]["drain_flag"] = self.master.queue.drained
        return cluster_pb2.ClusterInfoReply(cluster_json=json.dumps(items[0]))


def _filter_fields(request: cluster_pb2.ReplaceFilterRequest) -> tuple[Any, Any, Any, Any]:
    """Decode a rule's JSON fields with Ganeti's defaults (priority 0, no predicates, CONTINUE)."""
    try:
        predicates = json.loads(request.predicates_json) if request.predicates_json else []
        action = json.loads(request.action_json) if request.action_json else "CONTINUE"
        reason = json.loads(request.reason_json) if request.reason_json else []
    except ValueError as exc:
        raise OpCodeError(f"Failed to parse request: malformed JSON: {exc}") from None
    return request.priority, predicates, action, reason


def _op_index(job: Job, serial: int) -> int:
    for index, op in enumerate(job.ops):
        if any(e[0] == serial for e in op.log):
            return index
    return 0
