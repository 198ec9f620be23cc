"""The interface every hypervisor backend implements (fake now, kvm later)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from agent.errors import OpExecError


@dataclass(frozen=True)
class RunningInstance:
    name: str
    memory_mib: int
    vcpus: int


class Hypervisor(ABC):
    """Starts, stops and lists instances on this node. Methods block; call them off the loop."""

    name: str

    @abstractmethod
    def list_instances(self) -> list[RunningInstance]: ...

    @abstractmethod
    def start(
        self, name: str, memory_mib: int, vcpus: int, disk_paths: list[str], paused: bool
    ) -> None: ...

    @abstractmethod
    def stop(self, name: str, timeout_s: int) -> bool:
        """Stop the instance; return whether it was running."""

    # Live migration: the target accepts, the source sends, both are finalised.
    def accept_migration(self, name: str, memory_mib: int, vcpus: int, disk_paths: list[str]) -> None:
        raise OpExecError(f"hypervisor {self.name} does not support migration")

    def migrate(self, name: str, target: str, live: bool) -> str:
        """Send the instance to ``target``; return the status (``completed`` or ``failed``)."""
        raise OpExecError(f"hypervisor {self.name} does not support migration")

    def finalize_migration(self, name: str, source: bool, success: bool) -> None:
        raise OpExecError(f"hypervisor {self.name} does not support migration")
