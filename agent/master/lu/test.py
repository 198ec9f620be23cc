"""OP_TEST_DELAY: sleep on the master and/or nodes, holding node locks (Ganeti's quirk Q12)."""

from __future__ import annotations

import asyncio

from agent.errors import OpPrereqError
from agent.master.locks import EXCLUSIVE
from agent.master.lu.base import LogicalUnit, logical_unit
from agent.store import ConfigObject
from protos import node_pb2


@logical_unit
class LUTestDelay(LogicalUnit):
    op_id = "OP_TEST_DELAY"

    async def expand_names(self) -> None:
        if self.op["duration"] <= 0:
            raise OpPrereqError("Duration must be greater than zero")
        nodes = [await self.ctx.config.node(n) for n in self.op["on_nodes"]]
        if self.op["on_master"]:
            cluster = await self.ctx.config.cluster()
            master = await self.ctx.config.get("node", cluster.data["master_node"])
            if master is not None and master.uuid not in {n.uuid for n in nodes}:
                nodes.append(master)
        self.nodes: list[ConfigObject] = nodes

    async def needed_locks(self, level: str) -> dict[str, str]:
        if level == "node":
            return {f"node/{n.uuid}": EXCLUSIVE for n in sorted(self.nodes, key=lambda n: n.uuid)}
        return await super().needed_locks(level)

    async def _delay(self) -> None:
        """Sleep on the nodes (the master's own node included), or here when there are none."""
        duration = self.op["duration"]
        if not self.nodes:
            await asyncio.sleep(duration)
            return
        await asyncio.gather(*(
            self.ctx.rpc.call(n, lambda s: s.Delay, node_pb2.DelayRequest(duration=duration),
                              timeout=duration + 30)
            for n in self.nodes
        ))

    async def exec(self) -> None:
        repeat = self.op["repeat"]
        if repeat == 0:
            await self._delay()
        for i in range(repeat):
            self.log_info(f"Test delay iteration {i}/{repeat - 1}")
            await self._delay()
        return None
