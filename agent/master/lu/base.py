"""Logical units: each opcode is run by one, with declared locks, a check and an exec phase."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from agent.master.locks import BGL, EXCLUSIVE, SHARED

if TYPE_CHECKING:
    from agent import pki
    from agent.master.config import Config
    from agent.master.rpc import NodeRpc
    from agent.store import ConfigObject


@dataclass
class LuContext:
    """What a logical unit may use: the config, the nodes, the job's log and the queue."""

    config: Config
    rpc: NodeRpc
    ca: pki.CertificateAuthority
    job_id: int
    priority: int
    log: Callable[[str], None]
    submit_jobs: Callable[[list[list[dict[str, Any]]]], Awaitable[list[int]]]
    # Tell the master the cluster object changed (e.g. the running-jobs cap).
    cluster_changed: Callable[[ConfigObject], None]


class LogicalUnit:
    """Base of all logical units. Subclasses set ``op_id`` and override the phases."""

    op_id: ClassVar[str]
    needs_bgl: ClassVar[bool] = False

    def __init__(self, ctx: LuContext, op: dict[str, Any], secrets: dict[str, Any]) -> None:
        self.ctx = ctx
        self.op = op
        self.secrets = secrets

    def log_info(self, text: str) -> None:
        self.ctx.log(f" - INFO: {text}")

    def log_warning(self, text: str) -> None:
        self.ctx.log(f" - WARNING: {text}")

    async def expand_names(self) -> None:
        """Resolve names to objects before locking (argument checks go here too)."""

    async def needed_locks(self, level: str) -> dict[str, str]:
        """Locks of one level, asked for once the lower levels are held."""
        if level == "cluster":
            return {BGL: EXCLUSIVE if self.needs_bgl else SHARED}
        return {}

    async def check_prereq(self) -> None:
        """Check, holding the locks, that the operation can be done."""

    async def exec(self) -> Any:
        """Do the work; the return value is the opcode's result."""
        return None


REGISTRY: dict[str, type[LogicalUnit]] = {}


def logical_unit(cls: type[LogicalUnit]) -> type[LogicalUnit]:
    REGISTRY[cls.op_id] = cls
    return cls
