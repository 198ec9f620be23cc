"""Job queue bench, the report half: the tables and the README section of bench/queue_bench.py's figures."""

from __future__ import annotations

import datetime
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))
from queue_qa import tenths  # noqa: E402
from report import fmt_ratio, fmt_time, markdown_table, percentile, write_section  # noqa: E402

if TYPE_CHECKING:
    from queue_bench import BurstFigure, FilterFigure, PlanFigure, StreamFigure
    from queue_qa import QaFigure
    from queue_submission import SubmissionFigures

README = Path(__file__).resolve().parent / "README.md"
BEGIN_MARKER = "<!-- queue:begin -->"
END_MARKER = "<!-- queue:end -->"
SUBMIT, LOCKS, STREAM = "`submit_job`", "`query_locks`", "`submit_job_stream`"
MANY = "`submit_many_jobs`"
MANY_BATCH = 64  # jobs per SubmitManyJobs call
MANY_BATCH_LABEL = f"{MANY_BATCH} jobs per call"
RUN, HELD, IDLE = "jobs run", "jobs held", "no write"


def fmt_rate(per_second: float) -> str:
    return f"{per_second:,.0f}/s"


def submission_table(fig: SubmissionFigures, targets: dict[int, float]) -> str:
    """Rates and ratios to the raw commits; the range is of the per-round ratios."""
    raw = fig.raw.per_second
    header = ["Durable writes", "Jobs", "Rate", "Count", "Ratio to raw", "Per round", "Master CPU per job",
              "Target"]
    rows = [["Raw SQLite commits (1 row each)", "", fmt_rate(raw), f"{fig.raw.count:,}", "×1.00", "", "", ""]]
    for (call, mode, n), rate in fig.api.items():
        ratio = rate.per_second / raw
        per_round = [a / r for a, r in zip(rate.round_rates(), fig.raw.round_rates(), strict=True)]
        target = targets.get(n) if call in (SUBMIT, STREAM, MANY) else None
        verdict = "" if target is None else f"≥ ×{target:.1f}: {'met' if ratio >= target else 'missed'}"
        rows.append(
            [
                f"{call}{f' ({MANY_BATCH_LABEL})' if call == MANY else ''} from {n} client{'s' if n > 1 else ''}",
                mode,
                fmt_rate(rate.per_second),
                f"{rate.count:,}",
                fmt_ratio(ratio),
                f"{fmt_ratio(min(per_round))}–{fmt_ratio(max(per_round))}",
                fmt_time(rate.cpu_per_call) if rate.cpu_per_call is not None else "",
                verdict,
            ]
        )
    return markdown_table(header, rows)


def filter_table(figures: Sequence[FilterFigure]) -> str:
    base = next((f for f in figures if f.rules == 0), figures[0])
    rows = [
        [
            f"{f.rules} rules",
            fmt_time(f.median),
            f"{fmt_time(min(f.seconds_per_job))}–{fmt_time(max(f.seconds_per_job))}",
            f"{f.matched:.0%}",
            fmt_ratio(f.median / base.median),
        ]
        for f in figures
    ]
    header = ["`FilterSet.applying`", "Per job (median)", "Range", "Jobs matched", f"Ratio to {base.rules} rules"]
    return markdown_table(header, rows)


def plan_table(figures: Sequence[PlanFigure]) -> str:
    sizes = sorted({f.queued for f in figures})
    cases = list(dict.fromkeys(f.case for f in figures))
    by_key = {(f.case, f.queued): f for f in figures}
    growth = f"{sizes[-1]:,} / {sizes[0]:,} queued"
    header = ["Scheduling work", *(f"{n:,} queued" for n in sizes), growth]
    rows = []
    for case in cases:
        cells = [fmt_time(by_key[(case, n)].median) for n in sizes]
        rows.append([case, *cells, fmt_ratio(by_key[(case, sizes[-1])].median / by_key[(case, sizes[0])].median)])
    return markdown_table(header, rows)


def stream_table(figures: Sequence[StreamFigure]) -> str:
    base = figures[0]
    rows = []
    for f in figures:
        fill = f"{fmt_time(f.fill.seconds)} ({f.fill.via}"
        if f.fill.via == "API":
            fill += f", {fmt_rate(f.fill.first_rate)} → {fmt_rate(f.fill.last_rate)}"
        rows.append(
            [
                f"{f.queued:,}",
                fill + ")",
                fmt_time(f.snapshot_seconds),
                fmt_time(f.median),
                fmt_time(f.p99),
                fmt_time(statistics.median(f.replies)),
                str(len(f.latencies)),
                fmt_ratio(f.median / base.median),
                fmt_ratio(f.p99 / base.p99),
            ]
        )
    header = [
        "Jobs in queue", "Fill (how, rate first → last 10%)", "Snapshot", "Change → watcher: median",
        "p99", "Cancel reply", "n", f"Median / {base.queued:,}", f"p99 / {base.queued:,}",
    ]
    return markdown_table(header, rows)


def burst_table(figures: Sequence[BurstFigure]) -> str:
    rows = []
    for f in figures:
        subs = f.submit_latencies
        tenth = max(1, len(subs) // 10)
        rows.append(
            [
                f"{f.max_running:,}",
                fmt_time(percentile(f.delays, 50)),
                fmt_time(percentile(f.delays, 99)),
                fmt_time(max(f.delays)),
                fmt_time(f.first_submit),
                fmt_time(statistics.median(subs)),
                fmt_time(max(subs)),
                f"{fmt_ratio(max(subs) / f.first_submit)}",
                f"{fmt_time(statistics.median(subs[:tenth]))} → {fmt_time(statistics.median(subs[-tenth:]))}",
                fmt_time(f.makespan),
            ]
        )
    header = [
        "max-running-jobs", "Queued → running: p50", "p99", "max", "Submit: first", "median",
        "max", "max / first", "Median, first → last 10%", "All done",
    ]
    return markdown_table(header, rows)


def qa_table(figures: Sequence[QaFigure], tolerance: float) -> str:
    rows = []
    for f in figures:
        later = f.later
        lat = sorted(f.latencies)
        slower = sum(x > f.baseline for x in later)
        warned = sum(x > tolerance * f.baseline for x in later)
        medians = tenths(f.latencies)
        first, last = medians[0], medians[-1]
        rows.append(
            [
                f.master,
                f"{f.clients} × {f.per_client:,}",
                fmt_time(f.baseline),
                fmt_time(statistics.median(lat)),
                fmt_time(percentile(lat, 99)),
                fmt_time(percentile(lat, 99.9)),
                fmt_time(lat[-1]),
                fmt_ratio(lat[-1] / f.baseline),
                f"{slower:,} of {len(later):,}",
                f"{warned:,}",
                f"{fmt_time(first)} → {fmt_time(last)}",
                fmt_time(percentile(f.delays, 50)) if f.delays else "—",
                fmt_time(percentile(f.delays, 99)) if f.delays else "—",
                fmt_time(f.makespan),
            ]
        )
    header = [
        "Master", "Submitters × jobs", "Baseline (first 10)", "Submit: median", "p99", "p99.9", "max",
        "max / baseline", "Slower than baseline", f"Over ×{tolerance} (QA warns)",
        "Median, first → last 10%", "Queued → running: p50", "p99", "All done",
    ]
    return markdown_table(header, rows)


def machine_line(load_before: float) -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    return (
        f"Machine: nproc {cpus}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()} ({platform.machine()}), "
        f"SQLite {sqlite3.sqlite_version}; cluster state and the raw-commit database in "
        f"{tempfile.gettempdir()}; load average {load_before:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end (other work shares the machine); run on {today}."
    )


@dataclass(frozen=True)
class Results:
    submission: SubmissionFigures
    filters: list[FilterFigure] | None
    filters_skipped: str
    plans: list[PlanFigure]
    streams: list[StreamFigure]
    bursts: list[BurstFigure]
    qa: list[QaFigure]


def readme_section(r: Results, tables: dict[str, str], machine: str, elapsed: float,
                   changes: int, api_fill_limit: int) -> str:
    sub = r.submission
    filters = tables["filters"] if r.filters else f"Not measured: {r.filters_skipped}."
    big = [f for f in r.streams if f.fill.via == "store"]
    store_note = (
        f"\nQueues above {api_fill_limit:,} jobs are written straight into the stopped master's "
        "store and recovered at its restart (the same stored jobs a submission writes): "
        "filling them through the API, one call per job, takes minutes."
        if big else ""
    )
    burst_jobs = r.bursts[0].jobs if r.bursts else 0
    qa = r.qa[0]
    qa_clients, qa_per = qa.clients, qa.per_client
    qa_total, qa_scale = qa_clients * qa_per, qa_clients * qa_per // 200
    capped = [b for b in r.bursts if b.max_running < b.jobs]
    drain = (f"{fmt_rate(capped[0].jobs / capped[0].makespan)} here, submission to the last end"
             if capped else "not measured")
    locks = {n: rate.per_second / sub.raw.per_second for (call, _, n), rate in sub.api.items() if call == LOCKS}
    ceiling = (
        "\nHere a call that writes nothing already runs at "
        + " and ".join(f"×{ratio:.2f} ({n} client{'s' if n > 1 else ''})" for n, ratio in locks.items())
        + " of the raw commit rate: the API's round trip, not the disk, bounds every ratio of one"
        " job per call below."
        if locks and max(locks.values()) < 1 else ""
    )
    single = sub.api.get((LOCKS, IDLE, 1))
    if single is not None and single.per_second and sub.raw.per_second:
        trip, commit = 1 / single.per_second, 1 / sub.raw.per_second
        ceiling += (
            f" One client's round trip without a write takes {fmt_time(trip)}, one raw commit "
            f"{fmt_time(commit)}: a submission from one client needs both, one after the other "
            f"(its id comes back only after its commit), which puts one client near "
            f"×{commit / (trip + commit):.2f} of the raw rate with these two figures"
            f"{', short of ×0.8' if commit / (trip + commit) < 0.8 else ''} (the disk's speed "
            "drifts from window to window: see the per-round ranges). From 16 clients, "
            "the commits are shared (one per group of waiting submissions), but every call still "
            "costs the master the CPU in the table, and two cores serve the clients, the master "
            "and its disk."
        )
    held = sub.api.get((SUBMIT, HELD, max(n for _, _, n in sub.api)))
    if held is not None and held.cpu_per_call:
        cap = 1 / held.cpu_per_call
        ceiling += (
            f" The master is one Python process: at {fmt_time(held.cpu_per_call)} of its CPU per "
            f"submission it could not acknowledge more than {fmt_rate(cap)} even with a core to "
            f"itself, ×{cap / sub.raw.per_second:.2f} of the raw commit rate measured here."
        )
    batches = len(r.filters[0].seconds_per_job) if r.filters else 0
    batch_jobs = r.filters[0].jobs if r.filters else 0
    return f"""{BEGIN_MARKER}
## Job queue

Written by `bench/queue_bench.py` (`.venv/bin/python bench/queue_bench.py`, about
{elapsed:.0f} s); do not edit by hand between the `queue` markers. Every cluster is a fresh
1-node demo cluster on loopback (the node's agent is the master too), reached through the
Cluster API over its Unix socket by `shell.client.ClusterClient`.

{machine}

### Durable submission

`submit_job` of one `OP_TEST_DELAY` job (0.001 s, not on the master) per call, back to
back from 1 client and from 16 concurrent clients (threads in this process, each with its
own `ClusterClient`), counting the submissions acknowledged per second; none is
acknowledged before the transaction holding it has committed. "jobs run": the jobs run
meanwhile (max-running-jobs 20), so their status updates share the writer; "jobs held": a
blocker runs under max-running-jobs 1 and the submissions stay queued, which leaves the
submission path alone on the master. `query_locks` (a read that writes nothing) is the
API's own ceiling on this machine: a call's round trip without any disk write.
`submit_many_jobs` is Ganeti's SubmitManyJobs (what `gnt-debug submit-job` and Ganeti's own
job executor use): {MANY_BATCH} such jobs per call, committed in one transaction and
acknowledged together, with consecutive ids; its rates count jobs. Each of its windows runs
on a fresh cluster whose jobs stay queued, as "jobs held" (running the tens of thousands it
queues would outlast the measurement). The CPU column is per job (per call for
`query_locks`).

The reference is raw durable SQLite commits on the same disk: a new database file in the
master's state directory, WAL, `synchronous=FULL`, one {sub.row_bytes}-byte row (the size of
a stored job) per transaction, one unmeasured window first (it ran at
{fmt_rate(sub.first_raw)}). {sub.rounds} rounds of {sub.window:.0f} s windows of each kind,
alternating, so the disk's drift hits all alike; rates are totals over the rounds, "per
round" the range of the ratios within one round. Several submissions sharing one commit
is what would let 16 clients beat the raw rate.{ceiling}

{tables["submission"]}

### Filter evaluation

In-process `FilterSet.applying` (the scheduler asks it for every queued job) over fresh jobs
with distinct ids, so its per-job cache never answers: 100 rules mixing `jobid`, `opcode` and
`reason` predicates (maintenance windows by instance name, id ranges of past incidents,
tickets in the reason trail, RATE_LIMIT and CONTINUE rules); most match no job, the few that
do come last in evaluation order. Median of {batches} batches of {batch_jobs:,} jobs (instance
start/stop/remove, test delays, cluster verifies, half of them above the rules' watermark);
the reference is the same jobs with no rules. The rules are indexed when they change: each
is filed under one string equality its matches must have (an opcode field such as `OP_ID`,
or a reason entry's source), else under the id range its `jobid` predicates allow, and each
predicate carries a cheap necessary pre-test (the equality or regex of its top-level
conjuncts); a job is checked in full only against the rules its own fields, reasons and id
point to. The master keeps each queued job's applying rule until the rules change.

{filters}

### Change feed with a long queue

Latency from a status change to a client following `watch_queue` receiving it: the change
is `cancel_job` of a queued job (a random one each time, one at a time), measured from
sending the request to the watcher's thread holding the update ({changes} changes per
size). The queue holds a 3600 s blocker running under max-running-jobs 1 and the
rest queued behind it; the first row is the reference. Jobs up to {api_fill_limit:,} are
submitted through the API from 16 clients (the fill column shows the submission rate over
the first and the last 10% of them).{store_note}
"Snapshot" is how long a new watcher takes to receive the whole queue before its first
live update (the stream carries up to 1,000 updates per message, so a snapshot of 100,000
jobs is 100 messages; `watch_queue` hands them out one per job); "Cancel reply" is the
cancel call's own round trip.

{tables["stream"]}

The master's scheduling work does not grow with the queue: its `Scheduler` works out each
job's facts (applying rule, dependencies, reason rate-limit buckets, start order) once when
the job enters, and sets aside the jobs that cannot start (held by PAUSE, behind a queued
or running dependency, under a full RATE_LIMIT rule) until what holds them changes, so a
pass after a submission or a job's end looks only at jobs that could start. Only a rule
change evaluates every queued job again. In-process, median of 5:

{tables["plan"]}

### Scheduling delay of a burst

{burst_jobs:,} `OP_TEST_DELAY` jobs (0.001 s) submitted at once from 16 clients, with
max-running-jobs 20 (the default) and {burst_jobs:,}; queued → running
is `opexec[0] − received_ts` of each job from `get_jobs`; the submission latencies are in
the order the submissions were sent ("first" is the first one sent, on a warm connection),
and none should be slower than the first. For scale, Ganeti's operators see 2–4 s
queued-to-running delays with 30 s outliers, and Ganeti's QA submits 10 × 20 `gnt-debug
delay` jobs (200); this burst is {burst_jobs / 200:.0f} × that (100 × that, as Ganeti's QA
measures it, is the next table).
With max-running-jobs 20, a job's queued → running delay is mostly its turn for one of the
20 slots: the queue drains as fast as jobs end ({drain}), so a job waits for the jobs
submitted before it that have not started yet. Every start and every end is a scheduling pass that looks only
at jobs that could start, and a job costs three transactions (its submission, its start,
its end), each shared with whatever else is waiting to be written. The 16 clients keep 16
submissions in flight, so once the master is busy a submission waits for the ones ahead of
it: its latency is about 16 divided by the rate the master acknowledges them (Little's law),
while the first one, sent to an idle master, waits for nobody. "max / first" stays above
×1 for as long as the master cannot acknowledge 16 submissions in the time it takes to
answer one. "Median, first → last 10%" compares the first tenth of the submissions sent
with the last tenth, sent with most of the burst already in the queue.

{tables["burst"]}

### Ganeti QA's submission test, {qa_scale} times over

Ganeti's QA (`TestJobQueueSubmissionPerformance` in `qa/qa_performance.py`) checks "that the
job submission time does not increase as more jobs are added": 10 threads each submit 20
`gnt-debug delay` jobs one after the other, the mean duration of the first 10 submissions
is the baseline, and every later submission slower than 1.5 × the baseline is reported.
Here the same test runs {qa_scale} times over: {qa_clients} client processes (QA's
submitters are `gnt-debug` processes), each with its own connection, submit {qa_per:,}
`OP_TEST_DELAY` jobs (0.001 s) each, one `submit_job` call per job, {qa_total:,} jobs in all,
while the jobs run under max-running-jobs 20. "Slower than baseline" counts the later
submissions above the baseline itself, the issue's "no submission slower than the first";
"Over ×1.5" counts QA's own warnings.

The second row is the floor under this test on the same machine, in the same run: the same
submitters against a null master, a `grpc.aio` server registered as the master registers
its services, whose `SubmitJob` only counts and answers (no store, no commit, no job runs;
`bench/queue_floor.py`). Whatever its submitters see comes from Python gRPC and from ten
client processes sharing the cores with the server; a real master can only add to it.

{tables["qa"]}
{END_MARKER}
"""


def write_readme_section(section: str, path: Path = README) -> None:
    """Replace this bench's section of bench/README.md, leaving every other section alone."""
    write_section(section, BEGIN_MARKER, END_MARKER, path)
