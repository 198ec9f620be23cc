"""gnt-instance failover, migrate, replace-disks and change-group: moving an instance between nodes."""

from __future__ import annotations

from typing import Any

from shell.cli.commands.instance_modify import MODIFY_COMMANDS
from shell.cli.context import Context
from shell.cli.tree import GROUP, INSTANCE, NODE, Arg, Command, Option, UsageError

EXIT_DECLINED = 1


def _target(ctx: Context, op: dict[str, Any]) -> None:
    a = ctx.args
    if a.iallocator and a.target_node:
        raise UsageError("Specify either an iallocator (-I), or a target node (-n) but not both")
    if a.iallocator:
        op["iallocator"] = a.iallocator
    if a.target_node:
        op["target_node"] = a.target_node


def failover(ctx: Context) -> int:
    a = ctx.args
    op: dict[str, Any] = {
        "OP_ID": "OP_INSTANCE_FAILOVER", "instance_name": a.name,
        "ignore_consistency": a.ignore_consistency, "shutdown_timeout": a.shutdown_timeout,
        "ignore_ipolicy": a.ignore_ipolicy, "cleanup": a.cleanup,
    }
    _target(ctx, op)
    if not a.force:
        ctx.client.query("instance", [a.name])
        if not ctx.confirm(f"Failover will happen to image {a.name}. This requires a shutdown of "
                           "the instance. Continue?"):
            return EXIT_DECLINED
    if a.ignore_consistency and not ctx.confirm(
        f"To failover instance {a.name}, the source node must be marked offline first. Is this "
        "already the case?"
    ):
        return EXIT_DECLINED
    ctx.submit([op])
    return 0


def migrate(ctx: Context) -> int:
    a = ctx.args
    op: dict[str, Any] = {
        "OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": a.name, "cleanup": a.cleanup,
        "allow_failover": a.allow_failover, "allow_runtime_changes": not a.no_runtime_changes,
        "ignore_ipolicy": a.ignore_ipolicy, "ignore_hvversions": a.ignore_hvversions,
    }
    _target(ctx, op)
    if not a.force:
        ctx.client.query("instance", [a.name])
        text = (f"Instance {a.name} will be recovered from a failed migration. Note that the "
                "migration procedure (including cleanup)" if a.cleanup
                else f"Instance {a.name} will be migrated. Note that migration")
        if not ctx.confirm(text + " might impact the instance if anything goes wrong (e.g. due to "
                           "bugs in the hypervisor). Continue?"):
            return EXIT_DECLINED
    if a.non_live and a.migration_mode is not None:
        raise UsageError("Only one of the --non-live and --migration-mode options can be passed")
    mode = "non-live" if a.non_live else a.migration_mode
    if mode is not None:
        op["mode"] = mode
    ctx.submit([op])
    return 0


def replace_disks(ctx: Context) -> int:
    a = ctx.args
    disks: list[int] = []
    if a.disks:
        try:
            disks = [int(i) for i in a.disks.split(",")]
        except ValueError as exc:
            raise UsageError(f"Invalid disk index passed: {exc}") from None
    chosen = [a.on_primary, a.on_secondary, a.auto, a.new_secondary is not None,
              a.iallocator is not None].count(True)
    if chosen != 1:
        raise UsageError("One and only one of the -p, -s, -a, -n and -I options must be passed")
    if a.on_primary:
        mode = "replace_on_primary"
    elif a.on_secondary:
        mode = "replace_on_secondary"
    elif a.auto:
        mode = "replace_auto"
        if disks:
            raise UsageError("Cannot specify disks when using automatic mode")
    else:
        mode = "replace_new_secondary"
    op: dict[str, Any] = {
        "OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": a.name, "disks": disks, "mode": mode,
        "early_release": a.early_release, "ignore_ipolicy": a.ignore_ipolicy,
    }
    if a.new_secondary:
        op["remote_node"] = a.new_secondary
    if a.iallocator:
        op["iallocator"] = a.iallocator
    ctx.submit([op])
    return 0


def change_group(ctx: Context) -> int:
    """Move an instance to another node group: follow the jobs the allocator planned."""
    from agent.errors import GanetiError
    from shell.cli.context import job_results

    a = ctx.args
    op: dict[str, Any] = {"OP_ID": "OP_INSTANCE_CHANGE_GROUP", "instance_name": a.name,
                          "early_release": a.early_release}
    if a.to:
        op["target_groups"] = list(a.to)
    if a.iallocator:
        op["iallocator"] = a.iallocator
    (result,) = ctx.submit([op])
    bad = 0
    for ok, job_id in result["jobs"]:
        if not ok:
            bad += 1
            continue
        try:
            job_results(ctx.client.wait_job(job_id, ctx.print_log))
        except GanetiError as exc:
            print(f"Job {job_id} failed: {exc.message}", file=ctx.err)
            bad += 1
    if bad:
        ctx.print(f"There were {bad} errors while changing group of instance '{a.name}'.")
        return 1
    ctx.print(f"Instance '{a.name}' changed group successfully.")
    return 0


_ONE = Arg("name", "instance name", complete=INSTANCE)
_FORCE = Option(("-f", "--force"), "do not ask for confirmation", action="store_true")
_IALLOC = Option(("-I", "--iallocator"), "instance allocator choosing the target", metavar="NAME")
_TARGET = Option(("-n", "--target-node"), "target node", metavar="NODE", complete=NODE)
_IPOLICY = Option(("--ignore-ipolicy",), "ignore instance policy violations", action="store_true")

MOVE_COMMANDS = (
    Command("failover", "Stop the instance and start it on another node", failover, submits_job=True,
            options=(_FORCE, _IALLOC, _TARGET, _IPOLICY,
                     Option(("--ignore-consistency",), "ignore the consistency of the disks on the "
                            "secondary", action="store_true"),
                     Option(("--shutdown-timeout",), "seconds to wait for the shutdown", type=int,
                            default=120, metavar="N"),
                     Option(("--cleanup",), "clean up after a failed failover", action="store_true")),
            args=(_ONE,)),
    Command("migrate", "Live-migrate the instance to another node", migrate, submits_job=True,
            options=(_FORCE, _IALLOC, _TARGET, _IPOLICY,
                     Option(("--non-live",), "stop the instance during the migration", action="store_true"),
                     Option(("--migration-mode",), "live or non-live", choices=("live", "non-live"),
                            metavar="MODE"),
                     Option(("--cleanup",), "recover from a failed migration", action="store_true"),
                     Option(("--allow-failover",), "fail over when the instance cannot be migrated",
                            action="store_true"),
                     Option(("--no-runtime-changes",), "do not balloon the instance's memory",
                            action="store_true"),
                     Option(("--ignore-hvversions",), "ignore hypervisor version differences",
                            action="store_true")),
            args=(_ONE,)),
    Command("replace-disks", "Rebuild a DRBD instance's disks or move its secondary", replace_disks,
            submits_job=True,
            options=(_IALLOC, _IPOLICY,
                     Option(("-p", "--on-primary"), "rebuild the disks on the primary", action="store_true"),
                     Option(("-s", "--on-secondary"), "rebuild the disks on the secondary", action="store_true"),
                     Option(("-a", "--auto"), "rebuild the faulty side", action="store_true"),
                     Option(("-n", "--new-secondary"), "move the secondary to this node", metavar="NODE",
                            complete=NODE),
                     Option(("--disks",), "disk indices, comma-separated", metavar="IDX"),
                     Option(("--early-release",), "release old storage before the resync ends",
                            action="store_true")),
            args=(_ONE,)),
    Command("change-group", "Move the instance to another node group", change_group, submits_job=True,
            options=(_IALLOC,
                     Option(("--to",), "target node group (repeatable; default: any other group)",
                            action="append", metavar="GROUP", complete=GROUP),
                     Option(("--early-release",), "release locks on the old secondary early",
                            action="store_true")),
            args=(_ONE,)),
    *MODIFY_COMMANDS,
)
