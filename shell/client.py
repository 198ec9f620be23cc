"""The typed client of the Cluster API: to the master what ``httpx.Client`` is to HTTP.

Example::

    from shell.client import ClusterClient

    with ClusterClient() as client:          # GANETI_SHELL_MASTER or the default socket
        job_id = client.submit_job([{"OP_ID": "OP_TEST_DELAY", "duration": 0.1}])
        job = client.wait_job(job_id)
        print(job["status"], [n["name"] for n in client.query("node")])
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import grpc

from agent.errors import GanetiError, JobLost, MasterUnreachable, decode_error
from protos import cluster_pb2, cluster_pb2_grpc

ENV_MASTER = "GANETI_SHELL_MASTER"
ENV_CERT_DIR = "GANETI_SHELL_CERT_DIR"
DEFAULT_SOCKET = "/var/lib/ganeti-shell/master.sock"
DEFAULT_TIMEOUT = 60.0


def resolve_address(explicit: str | None = None) -> str:
    """``--master``, then ``$GANETI_SHELL_MASTER``, then the default socket."""
    address = explicit or os.environ.get(ENV_MASTER) or f"unix:{DEFAULT_SOCKET}"
    if address.startswith("/"):
        address = "unix:" + address
    return address


@dataclass(frozen=True)
class LogLine:
    serial: int
    timestamp: float
    type: str
    message: str


# gRPC refuses answers over 4 MiB by default; a queue of some 7,000 jobs is larger than that.
CHANNEL_OPTIONS = [("grpc.max_receive_message_length", 1 << 30)]


def _channel(address: str) -> grpc.Channel:
    if address.startswith("unix:"):
        return grpc.insecure_channel(address, options=CHANNEL_OPTIONS)
    cert_dir = Path(os.environ.get(ENV_CERT_DIR, "."))
    try:
        creds = grpc.ssl_channel_credentials(
            root_certificates=(cert_dir / "ca.pem").read_bytes(),
            private_key=(cert_dir / "admin.key").read_bytes(),
            certificate_chain=(cert_dir / "admin.pem").read_bytes(),
        )
    except OSError as exc:
        raise MasterUnreachable(
            f"a TCP master needs ca.pem, admin.pem and admin.key in ${ENV_CERT_DIR}: {exc}"
        ) from None
    return grpc.secure_channel(address, creds, options=CHANNEL_OPTIONS)


class ClusterClient:
    def __init__(self, address: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.address = resolve_address(address)
        self.timeout = timeout
        self._channel = _channel(self.address)
        self._stub = cluster_pb2_grpc.ClusterStub(self._channel)

    def __enter__(self) -> ClusterClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._channel.close()

    def _error(self, exc: grpc.RpcError) -> GanetiError:
        metadata = dict(exc.trailing_metadata() or ())  # type: ignore[attr-defined]
        encoded = metadata.get("ganeti-error")
        if encoded:
            return decode_error(encoded)
        code = exc.code()  # type: ignore[attr-defined]
        if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
            return MasterUnreachable(
                f"Cannot communicate with the master at {self.address}.\n"
                "Is the process running and listening for connections?"
            )
        return GanetiError(exc.details() or str(code))  # type: ignore[attr-defined]

    def _call(self, method: Callable[..., Any], request: Any) -> Any:
        try:
            return method(request, timeout=self.timeout)
        except grpc.RpcError as exc:
            raise self._error(exc) from None

    # -- jobs ------------------------------------------------------------------

    def submit_job(self, ops: list[dict[str, Any]], secrets: dict[int, dict[str, Any]] | None = None) -> int:
        """Submit one job; it is on the master's disk when this returns its id."""
        request = cluster_pb2.SubmitJobRequest(
            ops_json=json.dumps(ops),
            secrets_json={k: json.dumps(v) for k, v in (secrets or {}).items()},
        )
        return int(self._call(self._stub.SubmitJob, request).job_id)

    def submit_many_jobs(
        self, jobs: list[list[dict[str, Any]]], secrets: list[dict[int, dict[str, Any]]] | None = None
    ) -> list[int | GanetiError]:
        """Ganeti's SubmitManyJobs: every job in one call, committed together. One result
        per job, in order: its id, or the error that refused it."""
        request = cluster_pb2.SubmitManyJobsRequest(jobs=[
            cluster_pb2.SubmitJobRequest(
                ops_json=json.dumps(ops),
                secrets_json={k: json.dumps(v) for k, v in (secrets[i] if secrets else {}).items()},
            )
            for i, ops in enumerate(jobs)
        ])
        reply = self._call(self._stub.SubmitManyJobs, request)
        return [decode_error(r.error_json) if r.error_json else int(r.job_id) for r in reply.results]

    def submit_job_stream(
        self, jobs: Iterable[list[dict[str, Any]]], window: int = 256
    ) -> Iterator[int | GanetiError]:
        """Submit many jobs over one stream; yields, in order, each job's id once it is
        committed, or the error that refused it. At most ``window`` are in flight."""
        slots = threading.Semaphore(window)
        done = threading.Event()

        def requests() -> Iterator[cluster_pb2.SubmitJobRequest]:
            for ops in jobs:
                while not slots.acquire(timeout=0.5):
                    if done.is_set():
                        return
                yield cluster_pb2.SubmitJobRequest(ops_json=json.dumps(ops))

        try:
            for reply in self._stub.SubmitJobStream(requests()):
                slots.release()
                if reply.error_json:
                    yield decode_error(reply.error_json)
                else:
                    yield int(reply.job_id)
        except grpc.RpcError as exc:
            raise self._error(exc) from None
        finally:
            done.set()

    def get_jobs(
        self, job_ids: list[int] | None = None, include_archived: bool = False
    ) -> tuple[list[dict[str, Any]], list[int]]:
        """Jobs in Ganeti's query fields, and the requested ids that do not exist."""
        reply = self._call(
            self._stub.GetJobs,
            cluster_pb2.GetJobsRequest(job_ids=job_ids or [], include_archived=include_archived),
        )
        return [json.loads(j.job_json) for j in reply.jobs], list(reply.missing)

    def get_job(self, job_id: int) -> dict[str, Any]:
        jobs, _ = self.get_jobs([job_id])
        if not jobs:
            raise JobLost(f"Job {job_id} not found")
        return jobs[0]

    def watch_job(self, job_id: int, after_serial: int = 0) -> Iterator[tuple[str, list[LogLine], dict[str, Any] | None]]:
        """Yield (status, new log lines, final job or None) as the job changes, until it ends."""
        request = cluster_pb2.WatchJobRequest(job_id=job_id, after_log_serial=after_serial)
        try:
            for event in self._stub.WatchJob(request):
                lines = [LogLine(e.serial, e.timestamp, e.type, e.message) for e in event.log]
                final = json.loads(event.final_job_json) if event.final_job_json else None
                yield event.status, lines, final
        except grpc.RpcError as exc:
            raise self._error(exc) from None

    def wait_job(self, job_id: int, on_log: Callable[[LogLine], None] | None = None) -> dict[str, Any]:
        """Follow a job to its end, passing each log line to ``on_log``; return the final job."""
        for _, lines, final in self.watch_job(job_id):
            for line in lines:
                if on_log is not None:
                    on_log(line)
            if final is not None:
                return final
        return self.get_job(job_id)

    def cancel_job(self, job_id: int, kill: bool = False) -> tuple[bool, str]:
        reply = self._call(self._stub.CancelJob, cluster_pb2.CancelJobRequest(job_id=job_id, kill=kill))
        return reply.success, reply.message

    def change_job_priority(self, job_id: int, priority: int) -> tuple[bool, str]:
        reply = self._call(
            self._stub.ChangeJobPriority,
            cluster_pb2.ChangeJobPriorityRequest(job_id=job_id, priority=priority),
        )
        return reply.success, reply.message

    def archive_job(self, job_id: int) -> bool:
        return bool(self._call(self._stub.ArchiveJob, cluster_pb2.ArchiveJobRequest(job_id=job_id)).success)

    def autoarchive_jobs(self, age: int, timeout: float = 89.0) -> tuple[int, int]:
        reply = self._call(
            self._stub.AutoArchiveJobs, cluster_pb2.AutoArchiveJobsRequest(age=age, timeout=timeout)
        )
        return int(reply.archived), int(reply.left)

    def set_drain_flag(self, drained: bool) -> bool:
        return bool(self._call(self._stub.SetDrainFlag, cluster_pb2.SetDrainFlagRequest(drained=drained)).drained)

    def query_locks(self) -> list[dict[str, Any]]:
        reply = self._call(self._stub.QueryLocks, cluster_pb2.QueryLocksRequest())
        return [
            {"name": lock.name, "mode": lock.mode or None, "owner": list(lock.owners), "pending": list(lock.pending)}
            for lock in reply.locks
        ]

    def watch_queue(self, after_seq: int = 0, epoch: str = "") -> Iterator[cluster_pb2.QueueUpdate]:
        """Every job status change from the given position (a snapshot first when unknown)."""
        for batch in self.watch_queue_batches(after_seq, epoch):
            yield from batch

    def watch_queue_batches(self, after_seq: int = 0, epoch: str = "") -> Iterator[list[cluster_pb2.QueueUpdate]]:
        """The same changes as ``watch_queue``, as the master sends them: many to a message
        (a snapshot in chunks, a burst of changes together)."""
        request = cluster_pb2.WatchQueueRequest(after_seq=after_seq, epoch=epoch)
        try:
            for message in self._stub.WatchQueue(request):
                yield list(message.updates)
        except grpc.RpcError as exc:
            raise self._error(exc) from None

    # -- job filters -------------------------------------------------------------

    @staticmethod
    def _rule_request(uuid: str | None, priority: int, predicates: Any, action: Any,
                      reason: list[Any]) -> cluster_pb2.ReplaceFilterRequest:
        return cluster_pb2.ReplaceFilterRequest(
            uuid=uuid or "", priority=priority, predicates_json=json.dumps(predicates),
            action_json=json.dumps(action), reason_json=json.dumps(reason),
        )

    def replace_filter(self, uuid: str | None, priority: int = 0, predicates: Any = None,
                       action: Any = "CONTINUE", reason: list[Any] | None = None) -> str:
        """Add a rule (no uuid) or replace one; return its uuid."""
        request = self._rule_request(uuid, priority, predicates if predicates is not None else [],
                                     action, reason or [])
        return str(self._call(self._stub.ReplaceFilter, request).uuid)

    def delete_filter(self, uuid: str) -> None:
        self._call(self._stub.DeleteFilter, cluster_pb2.DeleteFilterRequest(uuid=uuid))

    def query_filters(self, uuids: list[str] | None = None) -> list[dict[str, Any]]:
        """Rules in evaluation order."""
        reply = self._call(self._stub.QueryFilters, cluster_pb2.QueryFiltersRequest(uuids=uuids or []))
        return list(json.loads(reply.rules_json))

    def filter_dry_run(self, uuid: str | None, priority: int = 0, predicates: Any = None,
                       action: Any = "CONTINUE", reason: list[Any] | None = None) -> tuple[list[dict[str, Any]], int]:
        """Which queued and running jobs the rule would match now, and its effect on each."""
        request = self._rule_request(uuid, priority, predicates if predicates is not None else [],
                                     action, reason or [])
        reply = self._call(self._stub.FilterDryRun, request)
        return list(json.loads(reply.matches_json)), int(reply.watermark)

    def balance_preview(self, **options: Any) -> tuple[dict[str, Any], int]:
        """hbal's plan for the live cluster (options as BalancePreviewRequest's fields), and
        the configuration serial it was computed from."""
        reply = self._call(self._stub.BalancePreview, cluster_pb2.BalancePreviewRequest(**options))
        return dict(json.loads(reply.preview_json)), int(reply.cluster_serial)

    def execute_balance(self, cluster_serial: int, **options: Any) -> list[int]:
        """Submit the plan of a preview made with these options as jobs (one per move, each
        jobset after the previous one); refused when the configuration serial is no longer
        ``cluster_serial``. Returns the job ids, jobset after jobset (empty: nothing to do)."""
        request = cluster_pb2.ExecuteBalanceRequest(
            options=cluster_pb2.BalancePreviewRequest(**options), expected_serial=cluster_serial,
        )
        return [int(j) for j in self._call(self._stub.ExecuteBalance, request).job_ids]

    # -- configuration ---------------------------------------------------------

    def query(self, kind: str, names: list[str] | None = None, live: bool = False) -> list[dict[str, Any]]:
        reply = self._call(
            self._stub.Query, cluster_pb2.QueryRequest(kind=kind, names=names or [], live=live)
        )
        if reply.missing:
            from agent.errors import OpPrereqError

            noun = {"node": "Node", "instance": "Instance", "group": "Group"}.get(kind, kind)
            raise OpPrereqError(f"{noun} '{reply.missing[0]}' not known", "noent")
        return list(json.loads(reply.items_json))

    def cluster_info(self) -> dict[str, Any]:
        reply = self._call(self._stub.ClusterInfo, cluster_pb2.ClusterInfoRequest())
        return dict(json.loads(reply.cluster_json))
