"""Job queue bench: the platform's floor under Ganeti QA's submission test.

The same submitters as `queue_qa` (separate processes, one ``submit_job`` call per job,
released together) against a *null master*: a ``grpc.aio`` server on a Unix socket,
registered the way the real master registers its services, whose ``SubmitJob`` only
counts and answers. It stores nothing, runs nothing and takes no lock, so whatever
latency its submitters see comes from Python gRPC and from sharing the machine's cores
with them. A real master can only add to it.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import tempfile
import time
from pathlib import Path

import grpc
from queue_cluster import BenchError
from queue_qa import QaFigure, qa_baseline, run_submitters

from agent.master.serving import GenericOnly
from protos import cluster_pb2, cluster_pb2_grpc

NULL_MASTER = "null master (floor)"


class _NullCluster(cluster_pb2_grpc.ClusterServicer):
    """Answers SubmitJob with the next id and GetJobs with nothing; every other method is
    left unimplemented."""

    def __init__(self) -> None:
        self.next_id = 0

    async def SubmitJob(self, request: cluster_pb2.SubmitJobRequest,
                        context: grpc.aio.ServicerContext) -> cluster_pb2.SubmitJobReply:
        self.next_id += 1
        return cluster_pb2.SubmitJobReply(job_id=self.next_id)

    async def GetJobs(self, request: cluster_pb2.GetJobsRequest,
                      context: grpc.aio.ServicerContext) -> cluster_pb2.GetJobsReply:
        return cluster_pb2.GetJobsReply(missing=list(request.job_ids))


def _serve(socket_path: str, started: mp.synchronize.Event, stop: mp.synchronize.Event) -> None:
    async def main() -> None:
        server = grpc.aio.server()
        cluster_pb2_grpc.add_ClusterServicer_to_server(_NullCluster(), GenericOnly(server))
        server.add_insecure_port(f"unix:{socket_path}")
        await server.start()
        started.set()
        while not stop.is_set():
            await asyncio.sleep(0.1)
        await server.stop(None)

    asyncio.run(main())


def measure_floor(clients: int, per_client: int) -> QaFigure:
    """QA's test, ``clients`` submitters of ``per_client`` jobs each, against a null master."""
    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="gs-floor-") as tmp:
        path = str(Path(tmp) / "null.sock")
        started, stop = ctx.Event(), ctx.Event()
        server = ctx.Process(target=_serve, args=(path, started, stop))
        server.start()
        try:
            if not started.wait(timeout=60):
                raise BenchError("the null master did not start within 60 s")
            wall_start, rows = run_submitters(f"unix:{path}", clients, per_client)
            makespan = time.time() - wall_start
        finally:
            stop.set()
            server.join(timeout=10)
            if server.is_alive():
                server.kill()
    return QaFigure(clients, per_client, tuple(r[1] for r in rows), qa_baseline(rows), (),
                    makespan, master=NULL_MASTER)
