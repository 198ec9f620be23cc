"""Job queue bench: durable submission, filter evaluation, the change feed and scheduling delay.

Measured against a real master on loopback (a 1-node demo cluster), every figure next to a
reference measured in the same run. ``.venv/bin/python bench/queue_bench.py`` prints the
tables and rewrites the "Job queue" section of ``bench/README.md``. The cluster and the jobs
it runs are in ``queue_cluster.py``, the submission measurements in ``queue_submission.py``,
the tables and the README section in ``queue_report.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from queue_cluster import (  # noqa: E402
    BLOCKER_OP,
    CLIENT_TIMEOUT,
    DELAY_OP,
    ROOT,
    BenchCluster,
    BenchError,
    run_clients,
    stored_job,
    ts_seconds,
    wait_finished,
    wait_status,
)
from queue_floor import measure_floor  # noqa: E402
from queue_qa import QA_JOBS_PER_THREAD, QA_THREADS, QA_TOLERANCE, measure_qa  # noqa: E402
from queue_report import (  # noqa: E402
    README,
    Results,
    burst_table,
    filter_table,
    machine_line,
    plan_table,
    qa_table,
    readme_section,
    stream_table,
    submission_table,
    write_readme_section,
)
from queue_submission import (  # noqa: E402
    measure_submission,
)
from report import percentile  # noqa: E402

from agent.errors import GanetiError
from agent.master import opcodes
from agent.master.filters import FilterRule, FilterSet, new_rule
from agent.master.init import STORE_FILE
from agent.master.jobs import Job, QueuedOpCode, now_ts
from agent.master.scheduler import Pass, Scheduler
from agent.store import SqliteStore
from shell.client import ClusterClient

# -- 2. filter evaluation -----------------------------------------------------

INSTANCE_OPS = ("OP_INSTANCE_STARTUP", "OP_INSTANCE_SHUTDOWN", "OP_INSTANCE_REMOVE")
CLIENTS = ("gnt:client:gnt-instance", "gnt:client:gnt-node", "gnt:client:gnt-debug")
WATERMARK = 1000


def realistic_rules(count: int, rng: random.Random) -> list[FilterRule]:
    """``count`` rules as operators write them; a few match some jobs, most match none.

    The matching ones have the highest priority numbers, so a job that no rule applies
    to, or that a late rule applies to, is checked against nearly all of them.
    """
    rules: list[FilterRule] = []
    kinds: list[tuple[list[Any], Any]] = [
        # maintenance windows over specific instances, by opcode and name
        ([["opcode", ["&", ["==", "OP_ID", "OP_INSTANCE_STARTUP"],
                      ["=~", "instance_name", r"^db\d+\.rack{n}\.example\.com$"]]]], "PAUSE"),
        ([["opcode", ["==", "instance_name", "vm{n}.rack9.example.com"]]], "REJECT"),
        # jobs of a past incident, by id range
        ([["jobid", ["&", [">", "id", "{lo}"], ["<", "id", "{hi}"]]]], "REJECT"),
        ([["jobid", ["==", "id", "{lo}"]]], "PAUSE"),
        # tickets and sources named in the reason trail
        ([["reason", ["=~", "reason", "^incident INC-{n}\\b"]]], "ACCEPT"),
        ([["reason", ["&", ["==", "source", "gnt:client:gnt-cluster"],
                      ["=~", "reason", "rebalance {n}"]]]], ["RATE_LIMIT", 2]),
        # two predicates: an opcode coming from a given tool
        ([["opcode", ["==", "OP_ID", "OP_NODE_REMOVE"]],
          ["reason", ["==", "source", "gnt:client:hbal-{n}"]]], "REJECT"),
        ([["opcode", ["|", ["==", "OP_ID", "OP_CLUSTER_VERIFY"],
                      ["==", "OP_ID", "OP_CLUSTER_VERIFY_GROUP"]]]], "CONTINUE"),
    ]
    matching: list[tuple[list[Any], Any]] = [
        ([["opcode", ["==", "OP_ID", "OP_TEST_DELAY"]]], ["RATE_LIMIT", 50]),
        ([["reason", ["=~", "reason", "^nightly"]]], "ACCEPT"),
        ([["opcode", ["=~", "instance_name", "^web"]], ["jobid", [">", "id", "watermark"]]], "ACCEPT"),
    ]
    for i in range(count):
        late = i >= count - min(len(matching), count // 20)
        predicates, action = matching[i % len(matching)] if late else kinds[i % len(kinds)]
        lo = rng.randrange(1, 500)
        text = (
            json.dumps(predicates)
            .replace('"{lo}"', str(lo))
            .replace('"{hi}"', str(lo + rng.randrange(5, 50)))
            .replace("{n}", str(i))
        )
        rules.append(
            new_rule(
                None, 90 + i if late else rng.randrange(0, 80), json.loads(text), action,
                [["gnt:client:gnt-filter", f"rule {i}", time.time_ns()]], WATERMARK, time.time_ns(),
            )
        )
    return rules


def sample_jobs(count: int, first_id: int, rng: random.Random) -> list[Job]:
    """``count`` fresh one-opcode jobs (distinct ids) with realistic inputs and reason trails."""
    jobs = []
    for job_id in range(first_id, first_id + count):
        kind = rng.random()
        if kind < 0.5:
            op: dict[str, Any] = {
                "OP_ID": rng.choice(INSTANCE_OPS),
                "instance_name": f"{rng.choice(('web', 'db', 'vm'))}{rng.randrange(999)}.example.com",
            }
        elif kind < 0.8:
            op = dict(DELAY_OP)
        else:
            op = {"OP_ID": "OP_CLUSTER_VERIFY"}
        stored = opcodes.validate(op)
        note = rng.choice(("nightly restart", "deploy 4711", "incident INC-12 follow-up", ""))
        stored["reason"] = [
            [rng.choice(CLIENTS), note, time.time_ns()],
            [opcodes.REGISTRY[stored["OP_ID"]].reason_source, f"job={job_id};index=0", time.time_ns()],
        ]
        jobs.append(Job(job_id, [QueuedOpCode(stored)], received_timestamp=now_ts()))
    return jobs


@dataclass(frozen=True)
class FilterFigure:
    rules: int
    jobs: int
    seconds_per_job: tuple[float, ...]  # one per repeat, each over fresh jobs
    matched: float  # the fraction of jobs some rule applied to

    @property
    def median(self) -> float:
        return statistics.median(self.seconds_per_job)


def measure_filters(
    rule_counts: Sequence[int] = (0, 100), jobs: int = 1000, repeats: int = 5, seed: int = 7
) -> list[FilterFigure]:
    """``FilterSet.applying`` per job over fresh jobs, so its per-job cache never answers."""
    rng = random.Random(seed)
    rule_sets = {n: realistic_rules(n, rng) for n in rule_counts}
    times: dict[int, list[float]] = {n: [] for n in rule_counts}
    matched: dict[int, int] = {n: 0 for n in rule_counts}
    next_id = WATERMARK - jobs // 2  # about half the jobs are above the rules' watermark
    for _ in range(repeats):
        batch = sample_jobs(jobs, next_id, rng)
        next_id += jobs
        for n in rule_counts:  # the same jobs for every rule count, alternating
            filters = FilterSet(rule_sets[n])
            start = time.perf_counter()
            found = [filters.applying(job) for job in batch]
            times[n].append((time.perf_counter() - start) / jobs)
            matched[n] += sum(rule is not None for rule in found)
    return [
        FilterFigure(n, jobs, tuple(times[n]), matched[n] / (jobs * repeats)) for n in rule_counts
    ]


# -- 3. the change feed with a long queue -------------------------------------


@dataclass(frozen=True)
class PlanFigure:
    """The cost of one scheduling pass (``scheduler.plan``) with ``queued`` jobs waiting."""

    case: str
    queued: int
    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


PLAN_FULL = "max-running reached"
PLAN_PAUSED = "a PAUSE rule holds every job"
PLAN_SUBMIT = "a submission while PAUSE holds every job"
PLAN_RULES = "a rule change (every job evaluated again)"


def measure_plan(sizes: Sequence[int], passes: int = 5) -> list[PlanFigure]:
    """The master's scheduling work in-process, with ``size`` jobs queued in its ``Scheduler``.

    A pass with max-running-jobs reached, and with a PAUSE rule holding every queued job;
    a submission (the new job's facts worked out, then a pass) under that rule; and a
    rule change, which evaluates every queued job again.
    """
    rng = random.Random(3)
    pause = FilterRule(
        "00000000-0000-4000-8000-000000000001", 0, [["jobid", [">", "id", "watermark"]]],
        "PAUSE", [], 0,
    )
    figures = []
    for size in sizes:
        cases = _plan_cases(sample_jobs(size, 2, rng), sample_jobs(1, 1, rng)[0], pause,
                            sample_jobs(passes, size + 2, rng))
        for case, step in cases.items():
            samples = []
            for _ in range(passes):
                start = time.perf_counter()
                decided = step()
                samples.append(time.perf_counter() - start)
                if decided.start:
                    raise BenchError(f"{case}: the pass started {len(decided.start)} jobs")
            figures.append(PlanFigure(case, size, tuple(samples)))
    return figures


def _plan_cases(queued: list[Job], running: Job, pause: FilterRule,
                extra: list[Job]) -> dict[str, Callable[[], Pass]]:
    full = Scheduler(lambda job: None)
    full.running(running)
    paused = Scheduler(lambda job: pause)
    for job in queued:
        full.add(job)
        paused.add(job)
    submissions = iter(extra)

    def submit() -> Pass:
        paused.add(next(submissions))
        return paused.next_pass(20)

    def change_rules() -> Pass:
        paused.rules_changed()
        return paused.next_pass(20)

    return {
        PLAN_FULL: lambda: full.next_pass(1),
        PLAN_PAUSED: lambda: paused.next_pass(20),
        PLAN_SUBMIT: submit,
        PLAN_RULES: change_rules,
    }


class QueueWatcher:
    """Follows ``watch_queue`` in a thread and notes when each (job, status) arrived."""

    def __init__(self, address: str) -> None:
        self.client = ClusterClient(address, timeout=CLIENT_TIMEOUT)
        self.arrived: dict[tuple[int, str], float] = {}
        self.snapshot_jobs = 0
        self.started = time.perf_counter()
        self.snapshot_done: float | None = None
        self.failure: BaseException | None = None
        self._changed = threading.Condition()
        self._closing = False
        self._thread = threading.Thread(target=self._follow, name="queue-watcher", daemon=True)
        self._thread.start()

    def _follow(self) -> None:
        try:
            for update in self.client.watch_queue():
                now = time.perf_counter()
                with self._changed:
                    if update.snapshot:
                        self.snapshot_jobs += 1 if update.job_id else 0
                        if update.snapshot_end:
                            self.snapshot_done = now
                    else:
                        self.arrived[(update.job_id, update.status)] = now
                    self._changed.notify_all()
        except GanetiError as exc:
            if not self._closing:
                self.failure = exc
        finally:
            with self._changed:
                self._changed.notify_all()

    def _wait(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: ready() or self.failure is not None, timeout):
                raise BenchError(f"the queue watcher saw no {what} within {timeout:.0f} s")
        if self.failure is not None:
            raise BenchError(f"the queue watcher failed: {self.failure}")

    def wait_snapshot(self, timeout: float = 300) -> float:
        """Seconds from subscribing to the end of the initial snapshot."""
        self._wait(lambda: self.snapshot_done is not None, timeout, "end of snapshot")
        assert self.snapshot_done is not None
        return self.snapshot_done - self.started

    def wait_for(self, job_id: int, status: str, timeout: float = 60) -> float:
        """The perf_counter time the watcher received the job's change to ``status``."""
        self._wait(lambda: (job_id, status) in self.arrived, timeout, f"job {job_id} {status}")
        return self.arrived[(job_id, status)]

    def close(self) -> None:
        self._closing = True
        self.client.close()
        self._thread.join(timeout=10)


@dataclass(frozen=True)
class FillFigure:
    jobs: int
    seconds: float
    via: str  # "API" or "store"
    first_rate: float = 0.0  # submissions per second over the first and last 10%
    last_rate: float = 0.0


@dataclass(frozen=True)
class StreamFigure:
    queued: int
    fill: FillFigure
    snapshot_seconds: float
    latencies: tuple[float, ...]  # cancel request sent -> the watcher has the change
    replies: tuple[float, ...]  # cancel request sent -> its reply

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99)


def fill_via_api(address: str, count: int, clients: int) -> tuple[FillFigure, list[int]]:
    """Submit ``count`` jobs from ``clients`` threads; note how the submission rate changes."""
    acked: list[float] = []
    ids: list[int] = []
    lock = threading.Lock()
    shares = [count // clients + (i < count % clients) for i in range(clients)]

    def submit(index: int, client: ClusterClient) -> None:
        for _ in range(shares[index]):
            job_id = client.submit_job([DELAY_OP])
            with lock:
                acked.append(time.perf_counter())
                ids.append(job_id)

    start, elapsed = run_clients(address, clients, submit)
    tenth = max(1, count // 10)
    acked.sort()
    first = tenth / (acked[tenth - 1] - start)
    last = tenth / (acked[-1] - acked[-tenth - 1]) if count > tenth else first
    return FillFigure(count, elapsed, "API", first, last), ids


def fill_via_store(cluster: BenchCluster, count: int) -> tuple[FillFigure, list[int]]:
    """Stop the master, write ``count`` queued jobs into its store, start it again.

    The first is the long blocker (lowest id, so it is the one job max-running-jobs 1 lets
    run after the restart); the master recovers the rest as queued jobs.
    """
    cluster.demo.stop()
    start = time.perf_counter()
    store = SqliteStore(cluster.state_dir / STORE_FILE)
    try:
        received = now_ts()
        first = store.job_serial() + 1
        def build(job_id: int) -> dict[str, Any]:
            return stored_job(job_id, BLOCKER_OP if job_id == first else DELAY_OP, received)

        ids = store.write_jobs([build] * count, [])
    finally:
        store.close()
    cluster.demo.start()
    elapsed = time.perf_counter() - start
    if ids[0] != first:
        raise BenchError(f"the store allocated job {ids[0]}, expected {first}")
    return FillFigure(count, elapsed, "store"), ids


def measure_stream(
    root: Path, size: int, changes: int, api_fill_limit: int, clients: int, seed: int = 11
) -> StreamFigure:
    """Latency from cancelling a queued job to a ``watch_queue`` client receiving the change.

    The queue holds ``size`` jobs: a long blocker running under max-running-jobs 1 and
    ``size - 1`` queued jobs behind it.
    """
    with BenchCluster(root, f"stream-{size}") as cluster:
        cluster.set_max_running(1)
        if size <= api_fill_limit:
            with cluster.client() as client:
                blocker = client.submit_job([BLOCKER_OP])
                wait_status(client, blocker, {"running"})
            fill, ids = fill_via_api(cluster.address, size - 1, clients)
        else:
            fill, ids = fill_via_store(cluster, size)
            blocker, ids = ids[0], ids[1:]
            with cluster.client() as client:
                wait_status(client, blocker, {"running"})
        watcher = QueueWatcher(cluster.address)
        try:
            snapshot = watcher.wait_snapshot()
            if watcher.snapshot_jobs != size:
                raise BenchError(f"the snapshot held {watcher.snapshot_jobs} jobs, expected {size}")
            latencies, replies = [], []
            with cluster.client() as client:
                for job_id in random.Random(seed).sample(ids, min(changes, len(ids))):
                    sent = time.perf_counter()
                    ok, message = client.cancel_job(job_id)
                    replied = time.perf_counter()
                    if not ok:
                        raise BenchError(f"cancel {job_id}: {message}")
                    latencies.append(watcher.wait_for(job_id, "canceled") - sent)
                    replies.append(replied - sent)
        finally:
            watcher.close()
    return StreamFigure(size, fill, snapshot, tuple(latencies), tuple(replies))


# -- 4. scheduling delay of a burst -------------------------------------------


@dataclass(frozen=True)
class BurstFigure:
    jobs: int
    clients: int
    max_running: int
    submit_latencies: tuple[float, ...]  # in the order the submissions were sent
    delays: tuple[float, ...]  # opexec[0] - received_ts
    makespan: float  # first submission sent -> last job ended (wall clock)

    @property
    def first_submit(self) -> float:
        return self.submit_latencies[0]


def measure_burst(cluster: BenchCluster, jobs: int, clients: int, max_running: int) -> BurstFigure:
    """``jobs`` OP_TEST_DELAY jobs submitted at once from ``clients`` threads."""
    cluster.set_max_running(max_running)
    sent: list[tuple[float, float, int]] = []  # (sent, latency, job id)
    lock = threading.Lock()
    shares = [jobs // clients + (i < jobs % clients) for i in range(clients)]

    def submit(index: int, client: ClusterClient) -> None:
        for _ in range(shares[index]):
            start = time.perf_counter()
            job_id = client.submit_job([DELAY_OP])
            latency = time.perf_counter() - start
            with lock:
                sent.append((start, latency, job_id))

    wall_start = time.time()
    run_clients(cluster.address, clients, submit)
    sent.sort()
    with cluster.client() as client:
        done = wait_finished(client, [job_id for _, _, job_id in sent])
    failed = [j["id"] for j in done if j["status"] != "success"]
    if failed:
        raise BenchError(f"{len(failed)} burst jobs did not succeed, e.g. job {failed[0]}")
    delays = tuple(ts_seconds(j["opexec"][0]) - ts_seconds(j["received_ts"]) for j in done)
    makespan = max(ts_seconds(j["end_ts"]) for j in done) - wall_start
    return BurstFigure(jobs, clients, max_running, tuple(lat for _, lat, _ in sent), delays, makespan)


def filters_or_reason(jobs: int) -> tuple[list[FilterFigure] | None, str]:
    """The filter figures, or why they cannot be measured (the query language is missing)."""
    try:
        return measure_filters(jobs=jobs), ""
    except (AttributeError, ImportError) as exc:
        return None, f"the query language `agent.qlang` is not usable yet ({exc})"


@contextmanager
def bench_root(tmp_root: Path | None) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="queue-bench-", dir=tmp_root) as tmp:
        yield Path(tmp)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rounds", type=int, default=3, help="submission rounds (default 3)")
    p.add_argument("--window", type=float, default=3.0, help="seconds per submission window (default 3)")
    p.add_argument("--filter-jobs", type=int, default=1000, help="jobs per filter batch (default 1000)")
    p.add_argument(
        "--queue-sizes",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[300, 10_000, 100_000],
        help="jobs in the queue for the change feed, comma-separated (default 300,10000,100000)",
    )
    p.add_argument("--changes", type=int, default=200, help="changes per queue size (default 200)")
    p.add_argument(
        "--api-fill-limit", type=int, default=10_000,
        help="fill larger queues through the store, not the API (default 10000)",
    )
    p.add_argument("--burst", type=int, default=1000, help="jobs in the burst (default 1000)")
    p.add_argument("--qa-jobs", type=int, default=100 * QA_JOBS_PER_THREAD,
                   help="jobs per submitter in Ganeti QA's submission test (default 2000)")
    p.add_argument("--no-readme", action="store_true", help="print only, leave bench/README.md")
    args = p.parse_args(argv)
    # A plain SIGTERM would skip the clean-up: stop the clusters and remove the temp dir.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    clients = 16
    try:
        with bench_root(None) as root:
            with BenchCluster(root, "submit") as cluster:
                submission = measure_submission(cluster, (1, clients), args.rounds, args.window)
                tables = {"submission": submission_table(submission, {1: 0.8, clients: 2.0})}
                print(tables["submission"], end="\n\n", flush=True)
                bursts = [
                    measure_burst(cluster, args.burst, clients, max_running)
                    for max_running in (20, args.burst)
                ]
                tables["burst"] = burst_table(bursts)
                print(tables["burst"], end="\n\n", flush=True)
            with BenchCluster(root, "qa") as cluster:
                qa = [measure_qa(cluster, QA_THREADS, args.qa_jobs)]
            qa.append(measure_floor(QA_THREADS, args.qa_jobs))
            tables["qa"] = qa_table(qa, QA_TOLERANCE)
            print(tables["qa"], end="\n\n", flush=True)
            filters, skipped = filters_or_reason(args.filter_jobs)
            tables["filters"] = filter_table(filters) if filters else ""
            print(tables["filters"] or f"Filters not measured: {skipped}", end="\n\n", flush=True)
            plans = measure_plan(args.queue_sizes)
            tables["plan"] = plan_table(plans)
            print(tables["plan"], end="\n\n", flush=True)
            streams = []
            for size in args.queue_sizes:
                streams.append(measure_stream(root, size, args.changes, args.api_fill_limit, clients))
                print(f"  queue of {size:,}: done at {time.perf_counter() - started:.0f} s", flush=True)
            tables["stream"] = stream_table(streams)
            print(tables["stream"], end="\n\n", flush=True)
    except (BenchError, GanetiError) as exc:
        print(f"queue_bench: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    machine = machine_line(load_before)
    print(machine)
    print(f"Total {elapsed:.0f} s.")
    if not args.no_readme:
        results = Results(submission, filters, skipped, plans, streams, bursts, qa)
        write_readme_section(
            readme_section(results, tables, machine, elapsed, args.changes, args.api_fill_limit)
        )
        print(f"Updated {README.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
