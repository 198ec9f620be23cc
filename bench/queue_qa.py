"""Job queue bench: Ganeti QA's submission test (`TestJobQueueSubmissionPerformance`), scaled up.

Ganeti's QA (qa/qa_performance.py) checks "that the job submission time does not increase
as more jobs are added": 10 threads each submit 20 `gnt-debug delay` jobs one after the
other; the mean duration of the first 10 submissions is the baseline, and any later
submission slower than 1.5 × that baseline is reported. Here the submitters are separate
client processes (as QA's `gnt-debug` commands are), each with its own connection, each
submitting one `OP_TEST_DELAY` job per `submit_job` call; the jobs run meanwhile under the
default max-running-jobs of 20.
"""

from __future__ import annotations

import multiprocessing as mp
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from queue_cluster import (
    CLIENT_TIMEOUT,
    DELAY_OP,
    BenchCluster,
    BenchError,
    ts_seconds,
    wait_finished,
)

from shell.client import ClusterClient

QA_THREADS = 10
QA_JOBS_PER_THREAD = 20
QA_BASELINE = 10  # submissions averaged into the baseline
QA_TOLERANCE = 1.5  # QA's warning threshold, as a multiple of the baseline


def _submitter(address: str, count: int, ready: mp.synchronize.Barrier, out: mp.Queue) -> None:
    """One QA thread: ``count`` submissions back to back; sends ``(sent, latency, id)`` rows."""
    rows = []
    try:
        with ClusterClient(address, timeout=CLIENT_TIMEOUT) as client:
            client.get_jobs([1])  # connect before the clock starts
            ready.wait()
            for _ in range(count):
                start = time.perf_counter()
                job_id = client.submit_job([DELAY_OP])
                rows.append((start, time.perf_counter() - start, job_id))
    except Exception as exc:  # reported by the parent, with the rows sent so far
        out.put(repr(exc))
        return
    out.put(rows)


@dataclass(frozen=True)
class QaFigure:
    clients: int
    per_client: int
    latencies: tuple[float, ...]  # in the order the submissions were sent
    baseline: float  # QA's: mean of the first 10 submissions to complete
    delays: tuple[float, ...]  # queued -> running of every job
    makespan: float  # first submission sent -> last job ended (or last answer, with no jobs)
    master: str = "ganeti-shell"

    @property
    def later(self) -> tuple[float, ...]:
        """The submissions QA checks against the baseline (all but the first 10)."""
        return self.latencies[QA_BASELINE:]


def run_submitters(address: str, clients: int,
                   per_client: int) -> tuple[float, list[tuple[float, float, int]]]:
    """``clients`` submitter processes released together: the wall-clock time of their
    release and every ``(sent, latency, id)`` row."""
    ctx = mp.get_context("spawn")  # children must not inherit this process's gRPC state
    ready = ctx.Barrier(clients + 1)
    out: mp.Queue = ctx.Queue()
    procs = [ctx.Process(target=_submitter, args=(address, per_client, ready, out))
             for _ in range(clients)]
    for proc in procs:
        proc.start()
    try:
        ready.wait(timeout=120)
        wall_start = time.time()
        got = [out.get(timeout=CLIENT_TIMEOUT + per_client) for _ in procs]
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
    errors = [g for g in got if isinstance(g, str)]
    if errors:
        raise BenchError(f"a submitter failed: {errors[0]}")
    return wall_start, sorted(r for g in got for r in g)


def qa_baseline(rows: Sequence[tuple[float, float, int]]) -> float:
    """QA's baseline: the mean latency of the first ``QA_BASELINE`` submissions to complete."""
    by_end = sorted(rows, key=lambda r: r[0] + r[1])
    return statistics.mean(r[1] for r in by_end[:QA_BASELINE])


def measure_qa(cluster: BenchCluster, clients: int, per_client: int) -> QaFigure:
    """QA's test with ``clients`` submitters of ``per_client`` jobs each."""
    wall_start, rows = run_submitters(cluster.address, clients, per_client)
    baseline = qa_baseline(rows)
    with cluster.client() as client:
        done = wait_finished(client, [r[2] for r in rows], timeout=600)
    failed = [j["id"] for j in done if j["status"] != "success"]
    if failed:
        raise BenchError(f"{len(failed)} QA jobs did not succeed, e.g. job {failed[0]}")
    delays = tuple(ts_seconds(j["opexec"][0]) - ts_seconds(j["received_ts"]) for j in done)
    makespan = max(ts_seconds(j["end_ts"]) for j in done) - wall_start
    return QaFigure(clients, per_client, tuple(r[1] for r in rows), baseline, delays, makespan)


def tenths(values: Sequence[float]) -> list[float]:
    """The median of each tenth of ``values``, in order."""
    size = max(1, len(values) // 10)
    return [statistics.median(values[i * size:(i + 1) * size]) for i in range(min(10, len(values)))]
