"""gnt-debug: delay."""

from __future__ import annotations

import time
from typing import Any

from shell.cli.context import Context
from shell.cli.format import table
from shell.cli.tree import NODE, Arg, Command, Group, Option, UsageError, register


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
    Command("locks", "Show the locks that are held or wanted", locks,
            options=(
                Option(("-o", "--output"), "fields: name, mode, owner, pending", dest="fields", metavar="FIELDS"),
                Option(("--no-headers",), "omit the header row", action="store_true"),
                Option(("--separator",), "column separator", metavar="SEP"),
                Option(("-v", "--verbose"), "verbose output", action="count"),
                Option(("--interval",), "repeat every N seconds", type=int, metavar="N"),
            )),
)))
