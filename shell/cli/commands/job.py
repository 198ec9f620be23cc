"""gnt-job: list, list-fields, info, watch, wait, cancel, change-priority, archive, autoarchive."""

from __future__ import annotations

import time
from typing import Any

from agent.errors import GanetiError, OpPrereqError
from shell.cli.context import Context, job_results
from shell.cli.fields import (
    filter_objects,
    is_plain_names,
    print_fields,
    print_list,
    query_filter,
    select,
)
from shell.cli.format import format_error, format_ts, info_tree, to_json
from shell.cli.tree import FIELD, INFO_JSON, JOB, Arg, Command, Group, Option, register


def _ids(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        if not value.isdigit():
            raise OpPrereqError(f"Invalid job ID passed: {value}", "wrong_input")
        ids.append(int(value))
    return ids


STATUS_FILTERS = {
    "pending": ("queued", "waiting", "canceling"),
    "running": ("running",),
    "error": ("error",),
    "finished": ("canceled", "success", "error"),
}


def list_jobs(ctx: Context) -> int:
    a = ctx.args
    names = select("job", a.fields)
    wants_archived = a.archived or "archived" in names
    if a.archived and "archived" not in names:
        names.append("archived")
    if is_plain_names(a.ids, a.force_filter):
        jobs, _ = ctx.client.get_jobs(_ids(a.ids), include_archived=wants_archived)
    else:
        compiled = query_filter("job", a.ids, a.force_filter)
        jobs, _ = ctx.client.get_jobs([], include_archived=wants_archived)
        jobs = filter_objects("job", compiled, jobs)
    if a.status_filter:
        jobs = [j for j in jobs if j["status"] in STATUS_FILTERS[a.status_filter]]
    return print_list("job", jobs, names, headers=not a.no_headers, separator=a.separator,
                      verbose=bool(a.verbose), as_json=a.as_json, out=ctx.out, err=ctx.err)


def list_fields(ctx: Context) -> int:
    return print_fields("job", ctx.args.names, not ctx.args.no_headers, ctx.args.separator, ctx.out)


def _delta(a: list[int] | None, b: list[int] | None) -> str:
    if not a or not b:
        return ""
    return f" (delta {(b[0] - a[0]) + (b[1] - a[1]) / 1e6:.6f}s)"


def info(ctx: Context) -> int:
    ids = _ids(ctx.args.ids)
    jobs, missing = ctx.client.get_jobs(ids)
    if ctx.args.as_json:
        ctx.print(to_json(jobs))
        return 0
    by_id = {j["id"]: j for j in jobs}
    for job_id in ids:
        job = by_id.get(job_id)
        if job is None:
            ctx.print(f"- Job ID {job_id} not found")
            continue
        ctx.print(f"- Job ID: {job_id}")
        recv, start, end = job["received_ts"], job["start_ts"], job["end_ts"]
        ctx.print(f"  Status: {job['status']}")
        ctx.print(f"  Received:         {format_ts(recv) if recv else 'unknown (None)'}")
        ctx.print(f"  Processing start: {format_ts(start) if start else 'unknown (None)'}{_delta(recv, start)}")
        ctx.print(f"  Processing end:   {format_ts(end) if end else 'unknown (None)'}{_delta(start, end)}")
        if recv and end:
            total = (end[0] - recv[0]) + (end[1] - recv[1]) / 1e6
            ctx.print(f"  Total processing time: {total:.6f} seconds")
        else:
            ctx.print("  Total processing time: N/A")
        if recv and job["opexec"] and job["opexec"][0]:
            first = job["opexec"][0]
            delay = (first[0] - recv[0]) + (first[1] - recv[1]) / 1e6
            ctx.print(f"  Queued-to-running delay: {delay:.6f} seconds")
        ctx.print("  Opcodes: ")
        for index, op in enumerate(job["ops"]):
            ctx.print(f"    - Opcode: {op['OP_ID']}")
            ctx.print(f"      Status: {job['opstatus'][index]}")
            ctx.print(f"      Processing start: {format_ts(job['opstart'][index])}")
            ctx.print(f"      Execution start:  {format_ts(job['opexec'][index])}")
            ctx.print(f"      Processing end:   {format_ts(job['opend'][index])}")
            ctx.print("      Input fields: ")
            for line in info_tree(dict(sorted(op.items())), 4):
                ctx.print(line)
            result: Any = job["opresult"][index]
            if isinstance(result, (dict, list)) and result:
                ctx.print("      Result: ")
                for line in info_tree(result, 4):
                    ctx.print(line)
            else:
                ctx.print(f"      Result: {result}")
            ctx.print("      Execution log: ")
            for serial, ts, log_type, message in job["oplog"][index]:
                ctx.print(f"        - Time: {format_ts(ts)}")
                ctx.print(f"          Content: [{serial}, {log_type}, {message}]")
    return 0


def _follow(ctx: Context, show: bool) -> int:
    (job_id,) = _ids([ctx.args.id])
    if show:
        header = f"Output from job {job_id} follows"
        ctx.print(header)
        ctx.print("-" * len(header))
    try:
        job = ctx.client.wait_job(
            job_id, (lambda line: ctx.print(f"{time.ctime(line.timestamp)} {line.message}")) if show else None
        )
        job_results(job)
    except GanetiError as exc:
        print(f"Job {job_id} failed: {format_error(exc)}", file=ctx.err)
        return 1
    return 0


def watch(ctx: Context) -> int:
    return _follow(ctx, show=True)


def wait(ctx: Context) -> int:
    return _follow(ctx, show=False)


SELECTORS = {"pending": ("queued", "waiting", "canceling"), "queued": ("queued",), "waiting": ("waiting",)}
EXIT_DECLINED = 13


def _select_jobs(ctx: Context, question: str) -> list[int] | None:
    """Job ids from the arguments or from a status option (listed, then confirmed)."""
    a = ctx.args
    if bool(a.ids) == bool(a.select):
        raise OpPrereqError("Either a status filter or job ID(s) must be specified and never both", "wrong_input")
    if a.ids:
        return _ids(a.ids)
    jobs, _ = ctx.client.get_jobs()
    chosen = [j for j in jobs if j["status"] in SELECTORS[a.select]]
    if not chosen:
        raise OpPrereqError("No jobs with the requested status have been found", "wrong_state")
    print_list("job", chosen, ["id", "status", "summary"], out=ctx.out, err=ctx.err)
    if not ctx.confirm(question):
        return None
    return [j["id"] for j in chosen]


def cancel(ctx: Context) -> int:
    a = ctx.args
    if a.kill and not a.yes_do_it:
        raise OpPrereqError("The --kill option must be confirmed with --yes-do-it", "wrong_input")
    ids = _select_jobs(ctx, "KILL job(s) listed above?" if a.kill else "Cancel job(s) listed above?")
    if ids is None:
        return EXIT_DECLINED
    failed = False
    for job_id in ids:
        ok, message = ctx.client.cancel_job(job_id, kill=a.kill)
        ctx.print(message)
        failed |= not ok
    return 1 if failed else 0


PRIORITY_VALUES = {"low": 10, "normal": 0, "high": -10}


def change_priority(ctx: Context) -> int:
    if not ctx.args.priority:
        print("--priority option must be given.", file=ctx.err)
        return 1
    ids = _select_jobs(ctx, "Change priority of job(s) listed above?")
    if ids is None:
        return EXIT_DECLINED
    failed = False
    for job_id in ids:
        ok, message = ctx.client.change_job_priority(job_id, PRIORITY_VALUES[ctx.args.priority])
        ctx.print(message)
        failed |= not ok
    return 1 if failed else 0


def archive(ctx: Context) -> int:
    failed = False
    for job_id in _ids(ctx.args.ids):
        if not ctx.client.archive_job(job_id):
            print(f"Failed to archive job with ID '{job_id}'", file=ctx.err)
            failed = True
    return 1 if failed else 0


_TIME_SUFFIX = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_timespec(text: str) -> int:
    """Ganeti's time specification: a number with an optional s/m/h/d/w suffix."""
    if not text:
        raise OpPrereqError("Empty time specification passed", "wrong_input")
    factor = 1
    if text[-1] in _TIME_SUFFIX:
        factor = _TIME_SUFFIX[text[-1]]
        text = text[:-1]
        if not text:
            raise OpPrereqError("Invalid time specification (only suffix passed)", "wrong_input")
    if not text.isdigit():
        raise OpPrereqError(f"Invalid time specification '{text}'", "wrong_input")
    return int(text) * factor


def autoarchive(ctx: Context) -> int:
    age = -1 if ctx.args.age == "all" else parse_timespec(ctx.args.age)
    count, left = ctx.client.autoarchive_jobs(age)
    ctx.print(f"Archived {count} jobs, {left} unchecked left")
    return 0


_SELECT = (
    Option(("-f", "--force"), "do not ask for confirmation", action="store_true"),
    Option(("--pending",), "all queued, waiting and canceling jobs", dest="select", action="store_const_pending"),
    Option(("--queued",), "all queued jobs", dest="select", action="store_const_queued"),
    Option(("--waiting",), "all waiting jobs", dest="select", action="store_const_waiting"),
)

register(Group("job", "gnt-job", "Job queue", (
    Command("list", "List jobs", list_jobs, lists=True,
            options=(
                Option(("--pending",), "only queued, waiting and canceling jobs", dest="status_filter",
                       action="store_const_pending"),
                Option(("--running",), "only running jobs", dest="status_filter", action="store_const_running"),
                Option(("--error",), "only failed jobs", dest="status_filter", action="store_const_error"),
                Option(("--finished",), "only finished jobs", dest="status_filter", action="store_const_finished"),
                Option(("--archived",), "include archived jobs", action="store_true"),
            ),
            args=(Arg("ids", "job ids (all when none)", nargs="*", complete=JOB),)),
    Command("list-fields", "List the fields of job list", list_fields,
            options=(Option(("--no-headers",), "omit the header row", action="store_true"),
                     Option(("--separator",), "column separator", metavar="SEP")),
            args=(Arg("names", "fields", nargs="*", complete=FIELD),)),
    Command("info", "Show job details", info, aliases=("show",), options=(INFO_JSON,),
            args=(Arg("ids", "job ids", nargs="+", complete=JOB),)),
    Command("watch", "Follow a job's log until it ends", watch, args=(Arg("id", "job id", complete=JOB),)),
    Command("wait", "Wait for a job to end, silently", wait, args=(Arg("id", "job id", complete=JOB),)),
    Command("cancel", "Cancel jobs", cancel,
            options=(*_SELECT, Option(("--kill",), "kill running jobs", action="store_true"),
                     Option(("--yes-do-it", "--ya-rly"), "confirm --kill", action="store_true")),
            args=(Arg("ids", "job ids", nargs="*", complete=JOB),)),
    Command("change-priority", "Change the priority of jobs", change_priority,
            options=(*_SELECT, Option(("--priority",), "new priority", choices=("low", "normal", "high"),
                                      metavar="PRIO")),
            args=(Arg("ids", "job ids", nargs="*", complete=JOB),)),
    Command("archive", "Archive finished jobs", archive, args=(Arg("ids", "job ids", nargs="+", complete=JOB),)),
    Command("autoarchive", "Archive finished jobs older than AGE (or all)", autoarchive,
            args=(Arg("age", "age with an optional s/m/h/d/w suffix, or 'all'"),)),
)))
