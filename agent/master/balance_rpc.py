"""ExecuteBalance: run a previewed balance plan as jobs, unless the configuration moved on.

The plan is recomputed on the current configuration with the preview's
options; when the configuration serial differs from the one the preview
reported, the operator saw another cluster, and nothing is submitted.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from agent.errors import OpPrereqError
from agent.htools import HtoolsError
from agent.master.balance_exec import plan, with_dependencies
from agent.master.preview import PreviewOptions
from agent.master.query import query
from protos import cluster_pb2

if TYPE_CHECKING:
    from agent.master.master import Master


def preview_options(request: cluster_pb2.BalancePreviewRequest) -> PreviewOptions:
    """The preview's options from its request, with hbal's defaults for unset fields."""
    return PreviewOptions(
        max_moves=request.max_moves or -1, min_gain=request.min_gain or 0.01,
        min_gain_limit=request.min_gain_limit or 0.1, min_score=request.min_score or 1e-9,
        evac_mode=request.evac_mode, disk_moves=not request.no_disk_moves,
        instance_moves=not request.no_instance_moves, group=request.group,
    )


def _changed(expected: int, now: int) -> OpPrereqError:
    return OpPrereqError(
        f"cluster configuration changed since the preview (serial {expected}, now {now})", "wrong_state"
    )


async def execute_balance(master: Master, request: cluster_pb2.ExecuteBalanceRequest) -> tuple[list[int], list[int]]:
    """Submit the plan's jobs; return their ids and the size of each jobset."""
    config, rpc = master.config, master.rpc
    expected = request.expected_serial
    serial = await config.serial()
    if serial != expected:
        raise _changed(expected, serial)
    (cluster,), _ = await query(config, rpc, "cluster", [], False)
    groups, _ = await query(config, rpc, "group", [], False)
    nodes, _ = await query(config, rpc, "node", [], True)
    instances, _ = await query(config, rpc, "instance", [], True)
    try:
        result = await asyncio.to_thread(
            plan, cluster, groups, nodes, instances, preview_options(request.options), time.time_ns()
        )
    except HtoolsError as exc:
        raise OpPrereqError(str(exc), "wrong_input") from None
    # The configuration may have changed while the plan was computed.
    serial = await config.serial()
    if serial != expected:
        raise _changed(expected, serial)
    if not result.jobsets:
        return [], []
    ids = await master.queue.submit_many(with_dependencies(result.jobsets))
    return ids, [len(js) for js in result.jobsets]
