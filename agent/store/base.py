"""The narrow persistence interface the master is written against.

The SQLite backend is the embedded default; a replicated backend (etcd)
implements the same methods. Every method is one transaction and is
blocking: the master calls them from its store thread, never on the event
loop.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KINDS = ("cluster", "group", "node", "instance", "disk", "filter")


@dataclass
class ConfigObject:
    """One configuration object: Ganeti's fields in ``data`` plus its bookkeeping."""

    kind: str
    uuid: str
    name: str
    data: dict[str, Any] = field(default_factory=dict)
    serial_no: int = 0
    ctime: float = 0.0
    mtime: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The object as Ganeti shows it: its fields plus uuid, serial and times."""
        out = copy.deepcopy(self.data)
        out.update(uuid=self.uuid, serial_no=self.serial_no, ctime=self.ctime, mtime=self.mtime)
        return out

    def copy(self) -> ConfigObject:
        return ConfigObject(
            self.kind, self.uuid, self.name, copy.deepcopy(self.data),
            self.serial_no, self.ctime, self.mtime,
        )


@dataclass(frozen=True)
class Put:
    """Create (when ``obj.serial_no`` is 0) or update an object, checking its serial."""

    obj: ConfigObject


@dataclass(frozen=True)
class Delete:
    kind: str
    uuid: str


@dataclass
class StoredJob:
    id: int
    status: str
    archived: bool
    data: dict[str, Any]


class Store(ABC):
    """Configuration objects, serials and the job queue, durable before acknowledged."""

    path: str

    # configuration
    @abstractmethod
    def get(self, kind: str, uuid: str) -> ConfigObject | None: ...

    @abstractmethod
    def find(self, kind: str, name: str) -> ConfigObject | None: ...

    @abstractmethod
    def objects(self, kind: str) -> list[ConfigObject]: ...

    @abstractmethod
    def count(self, kind: str) -> int: ...

    @abstractmethod
    def commit(self, changes: list[Put | Delete], bump_cluster: bool = False) -> list[ConfigObject]:
        """Apply all changes in one transaction; return the stored objects of the puts."""

    @abstractmethod
    def cluster_serial(self) -> int: ...

    # job queue
    @abstractmethod
    def write_jobs(
        self,
        builders: list[Callable[[int], dict[str, Any]]],
        updates: list[tuple[int, str, dict[str, Any]]],
    ) -> list[int]:
        """In one transaction: allocate consecutive ids and store a job built from each, and
        rewrite existing jobs (id, status, data); return the new ids.

        Nothing is acknowledged before the commit: when this returns, the jobs are on disk.
        """

    def add_jobs(self, builders: list[Callable[[int], dict[str, Any]]]) -> list[int]:
        return self.write_jobs(builders, [])

    def update_job(self, job_id: int, status: str, data: dict[str, Any]) -> None:
        self.write_jobs([], [(job_id, status, data)])

    @abstractmethod
    def archive_jobs(self, job_ids: list[int]) -> int:
        """Mark finalised jobs archived; return how many were."""

    @abstractmethod
    def job_serial(self) -> int:
        """The highest job id allocated so far."""

    @abstractmethod
    def get_job(self, job_id: int) -> StoredJob | None: ...

    @abstractmethod
    def list_jobs(self, include_archived: bool = False) -> list[StoredJob]: ...

    @abstractmethod
    def unfinished_jobs(self) -> list[StoredJob]: ...

    @abstractmethod
    def get_meta(self, key: str, default: str | None = None) -> str | None: ...

    @abstractmethod
    def set_meta(self, key: str, value: str) -> None: ...

    @abstractmethod
    def close(self) -> None: ...
