"""Node logical units: add (joining the agent to the cluster CA) and remove."""

from __future__ import annotations

import uuid as uuidlib
from typing import Any

from agent.errors import OpPrereqError
from agent.master.lu.base import LogicalUnit, logical_unit
from agent.store import ConfigObject, Delete, Put
from protos import node_pb2

DEFAULT_AGENT_PORT = 1811


@logical_unit
class LUNodeAdd(LogicalUnit):
    op_id = "OP_NODE_ADD"
    needs_bgl = True

    async def expand_names(self) -> None:
        name = self.op["node_name"]
        if self.op["readd"]:
            raise OpPrereqError("Re-adding nodes is not supported yet", "wrong_input")
        if await self.ctx.config.find("node", name) is not None:
            raise OpPrereqError(f"Node {name} is already in the configuration", "exists")
        if not self.secrets.get("join_token"):
            raise OpPrereqError(
                f"A join token is needed to add node {name}: start the agent and pass the "
                "token from its state directory (--join-token-file)",
                "wrong_input",
            )

    async def check_prereq(self) -> None:
        groups = await self.ctx.config.objects("group")
        wanted = self.op.get("group")
        if wanted:
            matching = [g for g in groups if g.name == wanted or g.uuid == wanted]
            if not matching:
                raise OpPrereqError(f"Group '{wanted}' not found", "noent")
            self.group = matching[0]
        else:
            self.group = groups[0]

    async def exec(self) -> Any:
        name = self.op["node_name"]
        ip = self.op.get("primary_ip") or name
        port = self.op.get("agent_port") or DEFAULT_AGENT_PORT
        cluster = await self.ctx.config.cluster()
        self.log_info(f"Joining the agent at {ip}:{port} to cluster {cluster.name}")
        await self.ctx.rpc.join(
            name, f"{ip}:{port}", self.secrets["join_token"], cluster.name, self.ctx.ca
        )
        node = ConfigObject(
            "node",
            str(uuidlib.uuid4()),
            name,
            {
                "name": name,
                "primary_ip": ip,
                "secondary_ip": self.op.get("secondary_ip") or ip,
                "agent_port": port,
                "group": self.group.uuid,
                "master_candidate": True,
                "drained": False,
                "offline": False,
                "master_capable": self.op.get("master_capable", True),
                "vm_capable": self.op.get("vm_capable", True),
                "powered": True,
                "ndparams": self.op.get("ndparams") or {},
                "tags": [],
            },
        )
        # The certificate is installed: check that the node answers over mutual TLS
        # before it enters the configuration.
        await self.ctx.rpc.call(
            node, lambda s: s.Ping, node_pb2.PingRequest(), timeout=20, wait_for_ready=True
        )
        await self.ctx.config.commit([Put(node)], bump_cluster=True)
        self.log_info(f"Node {name} added to group {self.group.name}")
        return None


@logical_unit
class LUNodeRemove(LogicalUnit):
    op_id = "OP_NODE_REMOVE"
    needs_bgl = True

    async def check_prereq(self) -> None:
        self.node = await self.ctx.config.node(self.op["node_name"])
        cluster = await self.ctx.config.cluster()
        if cluster.data["master_node"] == self.node.uuid:
            raise OpPrereqError(
                "Node is the master node, failover to another node is required", "wrong_input"
            )
        for inst in await self.ctx.config.objects("instance"):
            disks = await self.ctx.config.instance_disks(inst)
            if inst.data["primary_node"] == self.node.uuid or any(
                self.node.uuid in d.data.get("nodes", []) for d in disks
            ):
                raise OpPrereqError(
                    f"Instance {inst.name} is still running on the node, please remove first",
                    "wrong_input",
                )

    async def exec(self) -> Any:
        await self.ctx.config.commit([Delete("node", self.node.uuid)], bump_cluster=True)
        self.log_info(f"Node {self.node.name} removed from the configuration")
        return None
