"""Job queue bench, part 1: durable submission throughput against raw SQLite commits."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from queue_cluster import (  # noqa: E402
    BLOCKER_OP,
    DELAY_OP,
    STREAM_WINDOW,
    BenchCluster,
    BenchError,
    run_clients,
    stored_job,
    wait_status,
)
from queue_report import HELD, IDLE, LOCKS, MANY, MANY_BATCH, RUN, STREAM, SUBMIT  # noqa: E402

from agent.master.jobs import now_ts  # noqa: E402
from shell.client import ClusterClient  # noqa: E402

# -- 1. durable submission throughput -----------------------------------------


@dataclass
class Rate:
    """Events counted in timed windows, one window per round."""

    windows: list[tuple[int, float]] = field(default_factory=list)  # (count, seconds)
    cpu: list[float] = field(default_factory=list)  # the master's CPU seconds per window

    @property
    def cpu_per_call(self) -> float | None:
        return sum(self.cpu) / self.count if self.cpu and self.count else None

    @property
    def count(self) -> int:
        return sum(c for c, _ in self.windows)

    @property
    def per_second(self) -> float:
        seconds = sum(s for _, s in self.windows)
        return self.count / seconds if seconds else 0.0

    def round_rates(self) -> list[float]:
        return [c / s for c, s in self.windows]




@dataclass(frozen=True)
class SubmissionFigures:
    raw: Rate
    api: dict[tuple[str, str, int], Rate]  # (call, jobs mode, clients) -> acknowledged calls
    rounds: int
    window: float
    row_bytes: int
    first_raw: float  # the raw rate of the new file's first (unmeasured) window


def raw_commit_rate(db_path: Path, seconds: float, row: str) -> tuple[int, float]:
    """Durable single-row SQLite transactions (WAL, synchronous=FULL) done in ``seconds``."""
    db = sqlite3.connect(db_path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE IF NOT EXISTS jobs (id INTEGER PRIMARY KEY, data TEXT NOT NULL)")
        count, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO jobs (data) VALUES (?)", (row,))
            db.execute("COMMIT")
            count += 1
        return count, elapsed
    finally:
        db.close()



def api_call_rate(
    address: str, clients: int, seconds: float, call: str = SUBMIT
) -> tuple[int, float, int]:
    """Calls acknowledged by the master in ``seconds`` from ``clients`` threads, back to back.

    ``call`` is SUBMIT (one OP_TEST_DELAY job each), STREAM (the same jobs pipelined over
    one SubmitJobStream per client, each acknowledged after its commit), MANY (MANY_BATCH
    such jobs per SubmitManyJobs call, counted as jobs) or LOCKS (a read that writes
    nothing). Returns (acknowledged, elapsed until the last acknowledgement, highest job id
    submitted).
    """
    counts = [0] * clients
    last_ids = [0] * clients
    deadline = time.perf_counter() + seconds + 0.05  # the threads start while we wait

    def jobs() -> Iterator[list[dict[str, Any]]]:
        while time.perf_counter() < deadline:
            yield [DELAY_OP]

    def work(index: int, client: ClusterClient) -> None:
        if call == STREAM:
            for reply in client.submit_job_stream(jobs(), window=STREAM_WINDOW):
                if not isinstance(reply, int):
                    raise BenchError(f"a streamed submission failed: {reply}")
                last_ids[index] = reply
                counts[index] += 1
            return
        batch = [[DELAY_OP]] * MANY_BATCH
        while time.perf_counter() < deadline:
            if call == SUBMIT:
                last_ids[index] = client.submit_job([DELAY_OP])
            elif call == MANY:
                results = client.submit_many_jobs(batch)
                ids = [r for r in results if isinstance(r, int)]
                if len(ids) != len(results):
                    raise BenchError(f"a SubmitManyJobs call refused a job: {results}")
                last_ids[index] = ids[-1]
                counts[index] += len(ids) - 1
            else:
                client.query_locks()
            counts[index] += 1

    _, elapsed = run_clients(address, clients, work)
    return sum(counts), elapsed, max(last_ids)


@contextmanager
def held_cluster(root: Path, name: str) -> Iterator[BenchCluster]:
    """A fresh cluster whose submissions stay queued behind a blocker, stopped with them.

    For windows that queue tens of thousands of jobs: running them all afterwards would
    take longer than the measurement.
    """
    with BenchCluster(root, name) as cluster, cluster.client() as client:
        cluster.set_max_running(1)
        wait_status(client, client.submit_job([BLOCKER_OP]), {"running"})
        yield cluster


class HeldJobs:
    """max-running-jobs 1 with a long blocker running: submitted jobs stay queued."""

    def __init__(self, cluster: BenchCluster, client: ClusterClient) -> None:
        self.cluster, self.client = cluster, client
        self.blocker = 0

    def __enter__(self) -> HeldJobs:
        self.cluster.set_max_running(1)
        self.blocker = self.client.submit_job([BLOCKER_OP])
        wait_status(self.client, self.blocker, {"running"})
        return self

    def release(self, last_id: int) -> None:
        """Run everything held (raise the cap first: a high-priority job jumps the queue)."""
        raise_cap = self.client.submit_job(
            [{"OP_ID": "OP_CLUSTER_SET_PARAMS", "max_running_jobs": 1000, "priority": -10}]
        )
        self.client.cancel_job(self.blocker, kill=True)
        self.blocker = 0
        if self.client.wait_job(raise_cap)["status"] != "success":
            raise BenchError("raising max_running_jobs failed")
        if last_id:
            self.client.wait_job(last_id)

    def __exit__(self, *exc: object) -> None:
        if self.blocker:
            self.release(0)
        self.cluster.set_max_running(20)


def measure_submission(
    cluster: BenchCluster, clients: Sequence[int], rounds: int, window: float
) -> SubmissionFigures:
    """Alternate raw-commit windows with API windows, so the disk's drift hits all alike.

    Submissions run twice: with the jobs running meanwhile (max-running-jobs 20), and with
    them held in the queue, which leaves the submission path alone on the master. A read
    that writes nothing (``query_locks``) gives the API's own ceiling. Every window starts
    from an empty queue.
    """
    row = json.dumps(stored_job(1, DELAY_OP, now_ts()))
    db_path = cluster.state_dir / "raw-commits.db"
    raw = Rate()
    api = {
        (call, mode, n): Rate()
        for call, mode in ((LOCKS, IDLE), (SUBMIT, RUN), (SUBMIT, HELD), (STREAM, HELD), (MANY, HELD))
        for n in clients
    }
    try:
        with cluster.client() as client:
            # Warm-up, not counted: the new file's WAL reaches its working size, connections open.
            first_count, first_seconds = raw_commit_rate(db_path, window, row)
            client.wait_job(api_call_rate(cluster.address, max(clients), window)[2])
            for _ in range(rounds):
                raw.windows.append(raw_commit_rate(db_path, window, row))
                for n in clients:
                    cpu = cluster.master_cpu()
                    count, elapsed, _ = api_call_rate(cluster.address, n, window, LOCKS)
                    api[(LOCKS, IDLE, n)].cpu.append(cluster.master_cpu() - cpu)
                    api[(LOCKS, IDLE, n)].windows.append((count, elapsed))
                for n in clients:
                    cpu = cluster.master_cpu()
                    count, elapsed, last_id = api_call_rate(cluster.address, n, window)
                    api[(SUBMIT, RUN, n)].windows.append((count, elapsed))
                    client.wait_job(last_id)  # the next window starts from an idle master
                    api[(SUBMIT, RUN, n)].cpu.append(cluster.master_cpu() - cpu)
                for call in (SUBMIT, STREAM):
                    for n in clients:
                        with HeldJobs(cluster, client) as held:
                            cpu = cluster.master_cpu()
                            count, elapsed, last_id = api_call_rate(cluster.address, n, window, call)
                            api[(call, HELD, n)].cpu.append(cluster.master_cpu() - cpu)
                            api[(call, HELD, n)].windows.append((count, elapsed))
                            held.release(last_id)
                for n in clients:
                    with held_cluster(cluster.demo.dir.parent, f"many-{len(raw.windows)}-{n}") as fresh:
                        cpu = fresh.master_cpu()
                        count, elapsed, _ = api_call_rate(fresh.address, n, window, MANY)
                        api[(MANY, HELD, n)].cpu.append(fresh.master_cpu() - cpu)
                        api[(MANY, HELD, n)].windows.append((count, elapsed))
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return SubmissionFigures(raw, api, rounds, window, len(row), first_count / first_seconds)

