"""gnt-debug: delay, submit-job, locks."""

from __future__ import annotations

import json
import time
from typing import Any

from agent.errors import GanetiError
from shell.cli.context import Context, job_results
from shell.cli.format import table
from shell.cli.tree import FILE, NODE, Arg, Command, Group, Option, UsageError, register


def delay(ctx: Context) -> int:
    a = ctx.args
    try:
        duration = float(a.duration)
    except ValueError:
        raise UsageError(f"Invalid duration '{a.duration}': expected a number of seconds") from None
    ctx.submit([{
        "OP_ID": "OP_TEST_DELAY",
        "duration": duration,
        "on_master": not a.no_master,
        "on_nodes": a.on_nodes or [],
        "repeat": a.repeat,
        "interruptible": a.interruptible,
        "no_locks": a.no_locks,
    }])
    return 0


def _opcode_file(path: str) -> list[dict[str, Any]]:
    """The opcodes of a submit-job file: a JSON list of serialized opcodes."""
    try:
        with open(path, encoding="utf-8") as handle:
            ops = json.load(handle)
    except OSError as exc:
        raise UsageError(f"Cannot read opcode file {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise UsageError(f"Cannot parse opcode file {path}: {exc}") from None
    if not isinstance(ops, list) or not all(isinstance(op, dict) and "OP_ID" in op for op in ops):
        raise UsageError(f"Opcode file {path} must hold a JSON list of opcodes, each with OP_ID")
    return ops


def submit_job(ctx: Context) -> int:
    """Ganeti's `gnt-debug submit-job`: jobs from opcode files, submitted together and followed."""
    a = ctx.args
    for flag, value in (("--op-repeat", a.rep_op), ("--job-repeat", a.rep_job)):
        if value < 1:
            raise UsageError(f"{flag} must be at least 1, got {value}")
    if a.timing_stats:
        ctx.print("Loading...")
    loaded = {path: _opcode_file(path) for path in dict.fromkeys(a.files)}
    named: list[tuple[str, list[dict[str, Any]]]] = []
    op_count = 0
    for job_idx in range(a.rep_job):
        for path in a.files:
            ops = [ctx.prepare(op) for op in loaded[path] * a.rep_op]
            named.append((f"file {path}/{job_idx}", ops))
            op_count += len(ops)
    start = time.monotonic()
    if a.timing_stats:
        ctx.print("Submitting...")
    results: list[int | GanetiError]
    if a.each:
        results = []
        for _, ops in named:
            try:
                results.append(ctx.client.submit_job(ops))
            except GanetiError as exc:
                results.append(exc)
    else:
        results = ctx.client.submit_many_jobs([ops for _, ops in named])
    submitted = time.monotonic()
    if a.timing_stats:
        ctx.print("Executing...")
    if a.verbose:
        ids = [str(r) for r in results if not isinstance(r, GanetiError)]
        if ids:
            ctx.print(f"Submitted jobs {', '.join(ids)}")
    for (name, _), result in zip(named, results, strict=True):
        if isinstance(result, GanetiError):
            print(f"Failed to submit job for {name}: {result}", file=ctx.err)
    for (name, _), result in zip(named, results, strict=True):
        if isinstance(result, GanetiError):
            continue
        ctx.print(f"Waiting for job {result} for {name} ...")
        try:
            job_results(ctx.client.wait_job(result, ctx.print_log))
        except GanetiError as exc:
            print(f"Job {result} for {name} has failed: {exc}", file=ctx.err)
    if a.timing_stats:
        done = time.monotonic()
        ctx.print(f"C:op     {op_count:4d}")
        ctx.print(f"C:job    {len(named):4d}")
        ctx.print(f"T:submit {submitted - start:4.4f}")
        ctx.print(f"T:exec   {done - submitted:4.4f}")
        ctx.print(f"T:total  {done - start:4.4f}")
    return 0


LOCK_FIELDS = ("name", "mode", "owner", "pending")
LOCK_TITLES = {"name": "Name", "mode": "Mode", "owner": "Owner", "pending": "Pending"}


def _lock_cell(field: str, lock: dict[str, Any]) -> str:
    value = lock[field]
    if field == "owner":
        return ",".join(str(o) for o in value) or "-"
    if field == "pending":
        return ", ".join(value) or "-"
    return str(value) if value else "-"


def locks(ctx: Context) -> int:
    a = ctx.args
    fields = [f for f in (a.fields or ",".join(LOCK_FIELDS)).removeprefix("+").split(",") if f]
    if a.fields and a.fields.startswith("+"):
        fields = [*LOCK_FIELDS, *fields]
    unknown = [f for f in fields if f not in LOCK_TITLES]
    if unknown:
        print(f"Warning: Queried for unknown fields {', '.join(unknown)}", file=ctx.err)
        return 14
    while True:
        rows = [[_lock_cell(f, lock) for f in fields] for lock in ctx.client.query_locks()]
        headers = None if a.no_headers else [LOCK_TITLES[f] for f in fields]
        for line in table(headers, rows, [False] * len(fields), a.separator):
            ctx.print(line)
        if not a.interval:
            return 0
        ctx.out.flush()
        time.sleep(a.interval)
        ctx.print("")


register(Group("debug", "gnt-debug", "Debugging commands", (
    Command("delay", "Submit an OP_TEST_DELAY job that sleeps DURATION seconds", delay, submits_job=True,
            options=(
                Option(("--no-master",), "do not sleep on the master", action="store_true"),
                Option(("-n",), "also sleep on this node (repeatable)", dest="on_nodes", action="append",
                       metavar="NODE", complete=NODE),
                Option(("-r", "--repeat"), "repeat the delay N times", type=int, default=0, metavar="N"),
                Option(("-i", "--interruptible"), "allow interrupting the delay", action="store_true"),
                Option(("-l", "--no-locks"), "do not acquire locks", action="store_true"),
            ),
            args=(Arg("duration", "seconds to sleep"),)),
    Command("submit-job", "Submit jobs built from JSON files, each a list of serialized opcodes",
            submit_job, options=(
                Option(("-v", "--verbose"), "list the submitted job ids", action="count"),
                Option(("--op-repeat",), "repeat each file's opcode list N times in its job",
                       dest="rep_op", type=int, default=1, metavar="N"),
                Option(("--job-repeat",), "submit the jobs of all files N times",
                       dest="rep_job", type=int, default=1, metavar="N"),
                Option(("--timing-stats",), "show the counts and the submit and execution times",
                       action="store_true"),
                Option(("--each",), "submit each job separately instead of in one call",
                       action="store_true"),
                Option(("--dry-run",), "only check the operations, do not execute them",
                       action="store_true"),
                Option(("--priority",), "priority of the jobs", choices=("low", "normal", "high"),
                       metavar="PRIO"),
            ),
            args=(Arg("files", "opcode list files", nargs="+", complete=FILE),)),
    Command("locks", "Show the locks that are held or wanted", locks,
            options=(
                Option(("-o", "--output"), "fields: name, mode, owner, pending", dest="fields", metavar="FIELDS"),
                Option(("--no-headers",), "omit the header row", action="store_true"),
                Option(("--separator",), "column separator", metavar="SEP"),
                Option(("-v", "--verbose"), "verbose output", action="count"),
                Option(("--interval",), "repeat every N seconds", type=int, metavar="N"),
            )),
)))
