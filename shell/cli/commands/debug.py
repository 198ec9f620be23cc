"""gnt-debug: delay."""

from __future__ import annotations

from shell.cli.context import Context
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
)))
