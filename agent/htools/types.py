"""Value types shared by the htools model: enums, instance policies, utilisation.

Names and orders follow Ganeti 3.0.2 (`Types.hs`) because the orders are part
of the observable behaviour (failure-mode reporting, policy serialisation).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TypeVar


class DiskTemplate(enum.Enum):
    """Instance disk templates, in Ganeti's enumeration order."""

    DISKLESS = "diskless"
    FILE = "file"
    SHAREDFILE = "sharedfile"
    PLAIN = "plain"
    BLOCKDEV = "blockdev"
    DRBD = "drbd"
    RBD = "rbd"
    EXT = "ext"
    GLUSTER = "gluster"

    @property
    def mirror(self) -> MirrorType:
        """How the template mirrors data (decides the possible moves)."""
        if self is DiskTemplate.DRBD:
            return MirrorType.INTERNAL
        if self in (DiskTemplate.PLAIN, DiskTemplate.FILE):
            return MirrorType.NONE
        return MirrorType.EXTERNAL

    @property
    def local_storage(self) -> bool:
        """Only drbd and plain consume node disk in the model."""
        return self in (DiskTemplate.DRBD, DiskTemplate.PLAIN)

    @property
    def movable(self) -> bool:
        """Initial movability (note: diskless is *not* movable)."""
        return self in _MOVABLE

    @property
    def required_nodes(self) -> int:
        """2 for drbd, 1 otherwise."""
        return 2 if self is DiskTemplate.DRBD else 1


_MOVABLE = frozenset(
    {
        DiskTemplate.DRBD,
        DiskTemplate.BLOCKDEV,
        DiskTemplate.SHAREDFILE,
        DiskTemplate.GLUSTER,
        DiskTemplate.RBD,
        DiskTemplate.EXT,
    }
)


class MirrorType(enum.Enum):
    """Mirroring kind of a disk template."""

    NONE = "none"
    EXTERNAL = "external"
    INTERNAL = "internal"


class InstanceStatus(enum.Enum):
    """Run status of an instance as written in the text backend."""

    RUNNING = "running"
    ADMIN_DOWN = "ADMIN_down"
    ADMIN_OFFLINE = "ADMIN_offline"
    ERROR_UP = "ERROR_up"
    ERROR_DOWN = "ERROR_down"
    ERROR_NODEDOWN = "ERROR_nodedown"
    ERROR_NODEOFFLINE = "ERROR_nodeoffline"
    USER_DOWN = "USER_down"
    ERROR_WRONGNODE = "ERROR_wrongnode"


class AllocPolicy(enum.IntEnum):
    """Group allocation policy; compared in this order (preferred best)."""

    PREFERRED = 0
    LAST_RESORT = 1
    UNALLOCABLE = 2

    @property
    def raw(self) -> str:
        """The name used in files and messages."""
        return _ALLOC_RAW[self]

    @classmethod
    def from_raw(cls, text: str) -> AllocPolicy:
        """Parse `preferred`, `last_resort` or `unallocable`."""
        for pol, raw in _ALLOC_RAW.items():
            if raw == text:
                return pol
        raise ValueError(f"Invalid alloc policy mode: {text}")


_ALLOC_RAW = {
    AllocPolicy.PREFERRED: "preferred",
    AllocPolicy.LAST_RESORT: "last_resort",
    AllocPolicy.UNALLOCABLE: "unallocable",
}


class FailMode(enum.IntEnum):
    """Why a simulated operation failed, in Ganeti's reporting order."""

    FAIL_MEM = 0
    FAIL_DISK = 1
    FAIL_CPU = 2
    FAIL_N1 = 3
    FAIL_TAGS = 4
    FAIL_MIG = 5
    FAIL_DISK_COUNT = 6
    FAIL_SPINDLES = 7
    FAIL_INTERNAL = 8

    @property
    def ganeti_name(self) -> str:
        """Name as Ganeti prints it (`FailMem`, `FailDisk`, ...)."""
        return _FAIL_NAMES[self]


_FAIL_NAMES = {
    FailMode.FAIL_MEM: "FailMem",
    FailMode.FAIL_DISK: "FailDisk",
    FailMode.FAIL_CPU: "FailCPU",
    FailMode.FAIL_N1: "FailN1",
    FailMode.FAIL_TAGS: "FailTags",
    FailMode.FAIL_MIG: "FailMig",
    FailMode.FAIL_DISK_COUNT: "FailDiskCount",
    FailMode.FAIL_SPINDLES: "FailSpindles",
    FailMode.FAIL_INTERNAL: "FailInternal",
}


_Copyable = TypeVar("_Copyable", bound="FastCopy")


class FastCopy:
    """`copy.copy` of a plain-attribute object without the generic reduce protocol (4× faster).

    Nodes and instances are copied for every simulated move.
    """

    def __copy__(self: _Copyable) -> _Copyable:
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        return new


@dataclass(frozen=True)
class DynUtil:
    """Dynamic utilisation (cpu, mem, dsk, net) of an instance or a node."""

    cpu: float = 1.0
    mem: float = 1.0
    dsk: float = 1.0
    net: float = 1.0

    def add(self, other: DynUtil) -> DynUtil:
        """Component-wise sum (same float operation order as Ganeti)."""
        return DynUtil(
            self.cpu + other.cpu, self.mem + other.mem, self.dsk + other.dsk, self.net + other.net
        )

    def sub(self, other: DynUtil) -> DynUtil:
        """Component-wise difference."""
        return DynUtil(
            self.cpu - other.cpu, self.mem - other.mem, self.dsk - other.dsk, self.net - other.net
        )


BASE_UTIL = DynUtil(1.0, 1.0, 1.0, 1.0)
ZERO_UTIL = DynUtil(0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class ISpec:
    """One instance specification (a policy bound or the standard size)."""

    memory_size: int
    cpu_count: int
    disk_size: int
    disk_count: int
    nic_count: int
    spindle_use: int


@dataclass(frozen=True)
class MinMaxISpecs:
    """One allowed range of instance sizes."""

    min: ISpec
    max: ISpec


DEFAULT_MIN_ISPEC = ISpec(128, 1, 1024, 1, 1, 1)
DEFAULT_STD_ISPEC = ISpec(128, 1, 1024, 1, 1, 1)
DEFAULT_MAX_ISPEC = ISpec(32768, 8, 1048576, 16, 8, 12)


@dataclass(frozen=True)
class IPolicy:
    """An instance policy (cluster-wide or per group)."""

    minmax: tuple[MinMaxISpecs, ...] = (MinMaxISpecs(DEFAULT_MIN_ISPEC, DEFAULT_MAX_ISPEC),)
    std: ISpec = DEFAULT_STD_ISPEC
    disk_templates: tuple[DiskTemplate, ...] = field(default_factory=lambda: tuple(DiskTemplate))
    vcpu_ratio: float = 4.0
    spindle_ratio: float = 32.0


DEFAULT_IPOLICY = IPolicy()
