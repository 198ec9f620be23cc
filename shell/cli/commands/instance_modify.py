"""gnt-instance modify: change an instance's parameters (its disk template, converting the disks)."""

from __future__ import annotations

from typing import Any

from shell.cli.context import Context
from shell.cli.tree import INSTANCE, NODE, Arg, Command, Option, UsageError

DISK_TEMPLATES = ("diskless", "file", "sharedfile", "plain", "blockdev", "drbd", "rbd", "ext", "gluster")


def modify(ctx: Context) -> int:
    a = ctx.args
    if not a.disk_template:
        print("Please give at least one of the parameters.", file=ctx.err)
        return 1
    if a.node and a.iallocator:
        raise UsageError("Specify either an iallocator (-I), or a secondary node (-n) but not both")
    op: dict[str, Any] = {"OP_ID": "OP_INSTANCE_SET_PARAMS", "instance_name": a.name,
                          "disk_template": a.disk_template, "wait_for_sync": not a.no_wait_for_sync,
                          "force": bool(a.force)}
    if a.node:
        op["remote_node"] = a.node
    if a.iallocator:
        op["iallocator"] = a.iallocator
    (result,) = ctx.submit([op])
    if not result:
        return 0
    ctx.print(f"Modified instance {a.name}")
    for param, value in result:
        ctx.print(f" - {param:<5} -> {value}")
    ctx.print("Please don't forget that most parameters take effect only at the next (re)start of "
              "the instance initiated by ganeti; restarting from within the instance will not be "
              "enough.")
    return 0


MODIFY_COMMANDS = (
    Command("modify", "Change the instance's disk template (converting its disks)", modify, submits_job=True,
            options=(
                Option(("-t", "--disk-template"), "new disk template", choices=DISK_TEMPLATES,
                       metavar="TEMPLATE"),
                Option(("-n", "--node"), "secondary node for a conversion to drbd", metavar="NODE",
                       complete=NODE),
                Option(("-I", "--iallocator"), "instance allocator choosing the secondary", metavar="NAME"),
                Option(("--no-wait-for-sync",), "do not wait for the disks to synchronise",
                       action="store_true"),
                Option(("-f", "--force"), "force the change", action="store_true"),
            ),
            args=(Arg("name", "instance name", complete=INSTANCE),)),
)
