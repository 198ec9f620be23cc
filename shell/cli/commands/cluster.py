"""gnt-cluster: init, info, verify."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from agent.errors import OpPrereqError
from shell.cli.commands._util import parse_kv
from shell.cli.context import Context, job_results
from shell.cli.format import info_tree, to_json
from shell.cli.tree import INFO_JSON, Arg, Command, Group, Option, UsageError, register


def init(ctx: Context) -> int:
    from agent.master.init import init_cluster

    a = ctx.args
    host, _, port = a.listen.rpartition(":")
    templates = tuple(t for t in a.enabled_disk_templates.split(",") if t)
    init_cluster(
        Path(a.state_dir), a.name, a.master_node or socket.getfqdn(),
        master_ip=host or "127.0.0.1", agent_port=int(port or 1811),
        enabled_disk_templates=templates, default_iallocator=a.default_iallocator,
    )
    ctx.print(f"Cluster {a.name} initialised in {a.state_dir}; start its master with:")
    ctx.print(f"  ganeti-shell agent --master --state-dir {a.state_dir} --listen {a.listen}")
    return 0


def info(ctx: Context) -> int:
    cluster = ctx.client.cluster_info()
    if ctx.args.as_json:
        ctx.print(to_json(cluster))
        return 0
    shown: dict[str, Any] = {
        "Cluster name": cluster["name"],
        "Cluster UUID": cluster["uuid"],
        "Creation time": cluster["ctime"],
        "Modification time": cluster["mtime"],
        "Master node": cluster["master"],
        "Architecture (this node)": "",
        "Default hypervisor": cluster["default_hypervisor"],
        "Enabled hypervisors": ", ".join(cluster["enabled_hypervisors"]),
        "Cluster parameters": {
            "candidate pool size": cluster.get("candidate_pool_size"),
            "maximal number of jobs running simultaneously": cluster.get("max_running_jobs"),
            "maximal number of jobs simultaneously tracked by the scheduler": cluster.get("max_tracked_jobs"),
            "job queue drained": bool(cluster.get("drain_flag")),
            "mac prefix": cluster.get("mac_prefix"),
            "default instance allocator": cluster.get("default_iallocator") or "",
            "enabled disk templates": ", ".join(cluster["enabled_disk_templates"]),
            "file storage path": cluster.get("file_storage_dir"),
        },
        "Default instance parameters": {"default": cluster["beparams"]["default"]},
        "Default nic parameters": cluster["nicparams"]["default"],
    }
    for line in info_tree(shown):
        ctx.print(line)
    return 0


def verify(ctx: Context) -> int:
    a = ctx.args
    op: dict[str, Any] = {
        "OP_ID": "OP_CLUSTER_VERIFY",
        "error_codes": a.error_codes,
        "ignore_errors": a.ignore_errors or [],
        "skip_checks": ["nplusone_mem"] if a.no_nplus1_mem else [],
        "verbose": bool(a.verbose),
    }
    if a.nodegroup:
        op["group_name"] = a.nodegroup
    (result,) = ctx.submit([op])
    failed = bad = 0
    for ok, job_id in result["jobs"]:
        if not ok:
            failed += 1
            continue
        job = ctx.client.wait_job(job_id, ctx.print_log)
        try:
            results = job_results(job)
        except Exception:
            failed += 1
            continue
        if not all(r is True for r in results):
            bad += 1
    if failed:
        ctx.print(f"{failed} job(s) failed while verifying the cluster.")
    return 1 if failed or bad else 0


def queue(ctx: Context) -> int:
    action = ctx.args.action
    if action == "drain":
        ctx.client.set_drain_flag(True)
    elif action == "undrain":
        ctx.client.set_drain_flag(False)
    elif action == "info":
        drained = ctx.client.cluster_info().get("drain_flag")
        ctx.print(f"The drain flag is {'set' if drained else 'unset'}")
    else:
        raise OpPrereqError(f"Command '{action}' is not valid.", "wrong_input")
    return 0


def modify(ctx: Context) -> int:
    a = ctx.args
    op: dict[str, Any] = {"OP_ID": "OP_CLUSTER_SET_PARAMS"}
    for key in ("max_running_jobs", "max_tracked_jobs", "candidate_pool_size", "default_iallocator",
                "mac_prefix"):
        value = getattr(a, key)
        if value is not None:
            op[key] = value
    if a.backend_parameters:
        op["beparams"] = parse_kv(a.backend_parameters, "backend parameters")
    if a.default_iallocator_params is not None:
        op["default_iallocator_params"] = parse_kv(a.default_iallocator_params, "iallocator parameters") \
            if a.default_iallocator_params else {}
    if a.enabled_disk_templates:
        op["enabled_disk_templates"] = [t for t in a.enabled_disk_templates.split(",") if t]
    if len(op) == 1:
        raise OpPrereqError("Please give at least one of the parameters.", "wrong_input")
    ctx.submit([op])
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"invalid integer value: '{text}'") from None
    if value <= 0:
        raise UsageError(f"must be a positive integer: '{text}'")
    return value


register(Group("cluster", "gnt-cluster", "Cluster administration", (
    Command("init", "Create a new cluster with this machine's agent as master node", init,
            options=(
                Option(("--state-dir",), "state directory of the master", metavar="DIR", default="/var/lib/ganeti-shell"),
                Option(("--master-node",), "name of the master node (default: this host's name)", metavar="NAME"),
                Option(("--listen",), "address of the master node's agent", metavar="HOST:PORT", default="127.0.0.1:1811"),
                Option(("--enabled-disk-templates",), "comma-separated disk templates, the first is the default",
                       metavar="LIST", default="file,diskless"),
                Option(("-I", "--default-iallocator"), "default instance allocator, hail being the built-in one",
                       metavar="NAME", default="hail"),
            ),
            args=(Arg("name", "cluster name"),)),
    Command("info", "Show the cluster's configuration", info, options=(INFO_JSON,)),
    Command("verify", "Verify the configuration and the nodes' state", verify, submits_job=True,
            options=(
                Option(("--error-codes",), "print error codes in machine-parseable form", action="store_true"),
                Option(("-I", "--ignore-errors"), "demote an error code to a warning", action="append",
                       dest="ignore_errors", metavar="CODE"),
                Option(("--no-nplus1-mem",), "skip the N+1 memory check", action="store_true"),
                Option(("-g", "--node-group"), "verify only this node group", dest="nodegroup", metavar="GROUP"),
                Option(("-v", "--verbose"), "verbose output", action="count"),
            )),
    Command("queue", "Drain, undrain or show the job queue's drain flag", queue,
            args=(Arg("action", "drain, undrain or info"),)),
    Command("modify", "Change cluster parameters", modify, submits_job=True,
            options=(
                Option(("--max-running-jobs",), "how many jobs may run at once", type=_positive, metavar="N"),
                Option(("--max-tracked-jobs",), "how many running jobs are tracked", type=_positive, metavar="N"),
                Option(("-C", "--candidate-pool-size"), "master candidates to keep", type=_positive, metavar="N"),
                Option(("-I", "--default-iallocator"), "default instance allocator", metavar="NAME"),
                Option(("--default-iallocator-params",), "options passed to the default allocator",
                       metavar="PARAMS"),
                Option(("--mac-prefix",), "prefix of generated MAC addresses", metavar="PREFIX"),
                Option(("-B", "--backend-parameters"), "default backend parameters", metavar="PARAMS"),
                Option(("--enabled-disk-templates",), "comma-separated disk templates", metavar="LIST"),
            )),
)))
