"""Instances and the predicates Ganeti derives from their template and status."""

from __future__ import annotations

from dataclasses import dataclass, field

from .types import BASE_UTIL, DiskTemplate, DynUtil, FastCopy, InstanceStatus, MirrorType

NO_NODE = -1
"""Index used for "no secondary node"."""

MEMORY_STATUSES = frozenset(
    {
        InstanceStatus.RUNNING,
        InstanceStatus.ERROR_UP,
        InstanceStatus.ERROR_NODEDOWN,
        InstanceStatus.ERROR_NODEOFFLINE,
        InstanceStatus.ERROR_WRONGNODE,
    }
)


@dataclass(frozen=True)
class Disk:
    """One instance disk; spindles None means unknown."""

    size: int
    spindles: int | None = None


@dataclass
class Instance(FastCopy):
    """An instance: its size, placement (node indices) and balancing attributes."""

    name: str
    mem: int
    dsk: int
    vcpus: int
    status: InstanceStatus
    pnode: int
    snode: int
    disk_template: DiskTemplate
    tags: list[str] = field(default_factory=list)
    auto_balance: bool = True
    spindle_use: int = 1
    disks: list[Disk] = field(default_factory=list)
    forthcoming: bool = False
    nics: int = 0
    idx: int = -1
    alias: str = ""
    util: DynUtil = BASE_UTIL
    movable: bool = True
    excl_tags: list[str] = field(default_factory=list)
    dsrd_loc_tags: frozenset[str] = frozenset()
    location_score: int = 0

    def __post_init__(self) -> None:
        if not self.alias:
            self.alias = self.name

    # -- predicates (Instance.hs) -------------------------------------------
    @property
    def offline(self) -> bool:
        """ADMIN_offline instances keep no vcpus or secondary memory."""
        return self.status is InstanceStatus.ADMIN_OFFLINE

    @property
    def running(self) -> bool:
        """Decides `migrate` versus `failover` wording."""
        return self.status in (InstanceStatus.RUNNING, InstanceStatus.ERROR_UP)

    @property
    def uses_memory(self) -> bool:
        """Whether the instance's memory counts on its primary node now."""
        return not self.forthcoming and self.status in MEMORY_STATUSES

    @property
    def uses_sec_mem(self) -> bool:
        """Whether the secondary must reserve memory for a failover."""
        return not self.offline and self.auto_balance

    @property
    def local_storage(self) -> bool:
        """Whether the instance consumes node disk."""
        return self.disk_template.local_storage

    @property
    def has_secondary(self) -> bool:
        """Only drbd instances have a real secondary."""
        return self.disk_template is DiskTemplate.DRBD

    @property
    def mirror(self) -> MirrorType:
        """Mirror type of the template."""
        return self.disk_template.mirror

    @property
    def all_nodes(self) -> list[int]:
        """Primary and (drbd only) secondary."""
        if self.disk_template is DiskTemplate.DRBD:
            return [self.pnode, self.snode]
        return [self.pnode]

    @property
    def total_spindles(self) -> int | None:
        """Sum of disk spindles, None if any disk's count is unknown."""
        total = 0
        for disk in self.disks:
            if disk.spindles is None:
                return None
            total += disk.spindles
        return total
