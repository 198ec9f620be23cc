"""Job queue bench, the cluster half: a fresh 1-node demo cluster and the jobs the bench submits to it."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from agent.master import opcodes
from agent.master.jobs import Job, QueuedOpCode
from shell.client import ClusterClient
from shell.demo import Demo

ROOT = Path(__file__).resolve().parents[1]

DELAY_OP: dict[str, Any] = {"OP_ID": "OP_TEST_DELAY", "duration": 0.001, "on_master": False}
# Submissions one streaming client keeps in flight (each still acknowledged after its commit).
STREAM_WINDOW = 64
BLOCKER_OP: dict[str, Any] = {"OP_ID": "OP_TEST_DELAY", "duration": 3600.0, "on_master": False}
FINAL = frozenset(opcodes.JOB_FINAL)
CLIENT_TIMEOUT = 120.0
GET_JOBS_CHUNK = 2000  # jobs per get_jobs answer, well below gRPC's 4 MiB message limit


class BenchError(Exception):
    """The cluster did not do what the bench asked, so its timing would mean nothing."""


def ts_seconds(ts: Sequence[int]) -> float:
    """A Ganeti ``[seconds, microseconds]`` timestamp as float seconds."""
    return ts[0] + ts[1] / 1e6


# -- the cluster --------------------------------------------------------------


class BenchCluster:
    """A fresh 1-node demo cluster on loopback (its agent is the master too) in ``root/name``."""

    def __init__(self, root: Path, name: str) -> None:
        self.demo = Demo(root / name, nodes=1, populate=False)

    @property
    def address(self) -> str:
        return self.demo.master_address

    @property
    def state_dir(self) -> Path:
        """The master's state directory: its store lives here."""
        return self.demo.dir / "node1"

    def __enter__(self) -> BenchCluster:
        try:
            self.demo.start()
        except BaseException:
            self.demo.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.demo.stop()

    def client(self) -> ClusterClient:
        return ClusterClient(self.address, timeout=CLIENT_TIMEOUT)

    def master_cpu(self) -> float:
        """CPU seconds (user and system) the master process has used so far."""
        pid = int((self.state_dir / "agent.pid").read_text())
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def set_max_running(self, value: int) -> None:
        with self.client() as client:
            job = client.wait_job(
                client.submit_job([{"OP_ID": "OP_CLUSTER_SET_PARAMS", "max_running_jobs": value}])
            )
        if job["status"] != "success":
            raise BenchError(f"max_running_jobs={value} failed: {job['opresult']}")


def wait_status(client: ClusterClient, job_id: int, statuses: set[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while (status := client.get_job(job_id)["status"]) not in statuses:
        if time.monotonic() > deadline:
            raise BenchError(f"job {job_id} stayed {status}, expected one of {sorted(statuses)}")
        time.sleep(0.02)


def wait_finished(client: ClusterClient, job_ids: Sequence[int], timeout: float = 300) -> list[dict[str, Any]]:
    """Wait until every job is finalised; return them in Ganeti's query fields.

    Follows the highest id first and only then reads them all: every finished job in a
    ``get_jobs`` is a store read on the thread that also commits, so polling a large
    list would slow down the very jobs it waits for.
    """
    deadline = time.monotonic() + timeout
    client.wait_job(max(job_ids))
    while True:
        jobs, missing = [], []
        for at in range(0, len(job_ids), GET_JOBS_CHUNK):
            got, gone = client.get_jobs(list(job_ids[at:at + GET_JOBS_CHUNK]))
            jobs += got
            missing += gone
        if missing:
            raise BenchError(f"jobs {missing[:5]} vanished")
        if all(j["status"] in FINAL for j in jobs):
            return jobs
        if time.monotonic() > deadline:
            left = sum(j["status"] not in FINAL for j in jobs)
            raise BenchError(f"{left} of {len(jobs)} jobs still unfinished after {timeout:.0f} s")
        time.sleep(1.0)


def stored_job(job_id: int, op: dict[str, Any], received: list[int]) -> dict[str, Any]:
    """A queued one-opcode job as the master stores a submission (defaults, luxid's reason)."""
    stored = opcodes.validate(op)
    received_ns = received[0] * 10**9 + received[1] * 10**3
    source = opcodes.REGISTRY[stored["OP_ID"]].reason_source
    stored["reason"] = [*stored["reason"], [source, f"job={job_id};index=0", received_ns]]
    job = Job(job_id, [QueuedOpCode(stored, priority=stored["priority"])], received_timestamp=received)
    return job.to_dict()

def run_clients(
    address: str, clients: int, work: Callable[[int, ClusterClient], None]
) -> tuple[float, float]:
    """Run ``work(index, client)`` in ``clients`` threads, each with its own warmed-up client.

    Returns the perf_counter start (all threads released at once) and the elapsed time
    until the last one finished.
    """
    ready = threading.Barrier(clients + 1)
    errors: list[BaseException] = []

    def thread(index: int) -> None:
        with ClusterClient(address, timeout=CLIENT_TIMEOUT) as client:
            client.get_jobs([1])  # connect before the clock starts
            ready.wait()
            try:
                work(index, client)
            except BaseException as exc:  # re-raised in the caller's thread
                errors.append(exc)

    threads = [threading.Thread(target=thread, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise BenchError(f"a client failed: {errors[0]!r}")
    return start, elapsed
