"""The interface every storage backend implements (file and diskless now; lvm, drbd later)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class DiskRef:
    uuid: str
    dev_type: str
    size_mib: int
    instance_name: str
    index: int


@dataclass(frozen=True)
class StoredDisk:
    uuid: str
    dev_type: str
    path: str
    size_mib: int


class StorageBackend(ABC):
    """Creates and removes the block devices of instances. Methods block; call them off the loop."""

    dev_type: str

    @abstractmethod
    def create(self, disk: DiskRef) -> str:
        """Create the disk and return the path the hypervisor opens."""

    @abstractmethod
    def remove(self, disk: DiskRef) -> None: ...

    @abstractmethod
    def list(self) -> list[StoredDisk]: ...
