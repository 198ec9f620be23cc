"""The interface every hypervisor backend implements (fake now, kvm later)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


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
