"""The Cluster API gRPC service: jobs, watching and queries, for the shell, the TUI and scripts."""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import grpc

from agent import pki
from agent.errors import GanetiError, JobLost, OpCodeError, OpPrereqError, QueueDrained
from agent.master.jobs import Job
from agent.master.query import query
from protos import cluster_pb2, cluster_pb2_grpc

if TYPE_CHECKING:
    from agent.master.master import Master

R = TypeVar("R")
ERROR_KEY = "ganeti-error"

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
        try:
            ops = json.loads(request.ops_json)
            secrets = {int(k): json.loads(v) for k, v in request.secrets_json.items()}
        except ValueError as exc:
            raise OpCodeError(f"malformed JSON: {exc}") from None
        if not isinstance(ops, list):
            raise OpCodeError("a job must be a JSON list of opcodes")
        job_id = await self.master.queue.submit(ops, secrets)
        return cluster_pb2.SubmitJobReply(job_id=job_id)

    @mapped
    async def GetJobs(
        self, request: cluster_pb2.GetJobsRequest, context: grpc.aio.ServicerContext
    ) -> cluster_pb2.GetJobsReply:
        queue = self.master.queue
        if not request.job_ids:
            return cluster_pb2.GetJobsReply(jobs=[job_message(j) for j in await queue.all_jobs()])
        jobs, missing = [], []
        for job_id in request.job_ids:
            job = await queue.get(job_id)
            if job is None:
                missing.append(job_id)
            else:
                jobs.append(job_message(job))
        return cluster_pb2.GetJobsReply(jobs=jobs, missing=missing)

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
        return cluster_pb2.ClusterInfoReply(cluster_json=json.dumps(items[0]))


def _op_index(job: Job, serial: int) -> int:
    for index, op in enumerate(job.ops):
        if any(e[0] == serial for e in op.log):
            return index
    return 0
