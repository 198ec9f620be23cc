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
        self.nodes: list[ConfigObject] = [await self.ctx.config.node(n) for n in self.op["on_nodes"]]
        if self.op["on_master"]:
            cluster = await self.ctx.config.cluster()
            master = await self.ctx.config.get("node", cluster.data["master_node"])
            self.master = master
        else:
            self.master = None

    async def needed_locks(self, level: str) -> dict[str, str]:
        if level == "node":
            uuids = {n.uuid for n in self.nodes}
            if self.master is not None:
                uuids.add(self.master.uuid)
            return {f"node/{u}": EXCLUSIVE for u in sorted(uuids)}
        return await super().needed_locks(level)

    async def exec(self) -> None:
        repeat = self.op["repeat"]
        for i in range(max(repeat, 1)):
            if repeat:
                self.log_info(f"Test delay iteration {i}/{repeat - 1}")
            waits = [
                self.ctx.rpc.call(n, lambda s: s.Delay, node_pb2.DelayRequest(duration=self.op["duration"]),
                                  timeout=self.op["duration"] + 30)
                for n in self.nodes
            ]
            if self.op["on_master"]:
                waits.append(asyncio.sleep(self.op["duration"]))
            await asyncio.gather(*waits)
        return None
