"""The IAllocator request as parsed: the cluster it describes and what it asks for.

One dataclass per request type (Ganeti `Loader.RqType`); node, instance and
group references are indices into the request's `ClusterData`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..cluster import ClusterData
from ..errors import HtoolsError
from ..evacuate import EvacMode
from ..instance import Instance


class RequestError(HtoolsError):
    """The request document is malformed or inconsistent; the message says what."""


@dataclass(frozen=True)
class IAllocOptions:
    """hail's algorithm options (Ganeti `AlgorithmOptions` as hail sets them)."""

    capacity: bool = True
    """Global N+1 filter on allocations (`--no-capacity-checks` turns it off)."""
    ignore_soft_errors: bool = False
    restrict_to: tuple[str, ...] | None = None
    """`--restrict-allocation-to`: full node names; wins over the request's list."""


@dataclass(frozen=True)
class NewInstance:
    """An instance to place: the model instance, node count, group and NIC networks."""

    instance: Instance
    required_nodes: int
    group_name: str | None = None
    networks: tuple[str, ...] = ()
    """Networks named by the instance's NICs (those without one are left out)."""


@dataclass(frozen=True)
class Allocate:
    """`allocate`: one new instance, optionally in one group or on some nodes."""

    new: NewInstance
    restrict_to: tuple[str, ...] | None = None


@dataclass(frozen=True)
class MultiAllocate:
    """`multi-allocate`: new instances placed one after the other."""

    items: tuple[NewInstance, ...]


@dataclass(frozen=True)
class Relocate:
    """`relocate`: a new secondary (DRBD) or primary (external mirror) for one instance."""

    instance: int
    required_nodes: int
    relocate_from: tuple[int, ...]


@dataclass(frozen=True)
class ChangeGroup:
    """`change-group`: move instances to another node group."""

    instances: tuple[int, ...]
    target_groups: tuple[int, ...]


@dataclass(frozen=True)
class NodeEvacuate:
    """`node-evacuate`: move instances off their primary and/or secondary nodes."""

    instances: tuple[int, ...]
    mode: EvacMode


@dataclass(frozen=True)
class AllocateSecondary:
    """`allocate-secondary`: a secondary for an instance becoming DRBD."""

    instance: int


RequestBody = Allocate | MultiAllocate | Relocate | ChangeGroup | NodeEvacuate | AllocateSecondary


@dataclass
class Request:
    """A parsed request: its body, the loaded cluster and loader warnings."""

    body: RequestBody
    data: ClusterData
    networks: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """NIC networks of the existing instances, by instance index."""
    warnings: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """The request type as written in the protocol."""
        return REQUEST_TYPES[type(self.body)]


REQUEST_TYPES: dict[type, str] = {
    Allocate: "allocate",
    MultiAllocate: "multi-allocate",
    Relocate: "relocate",
    ChangeGroup: "change-group",
    NodeEvacuate: "node-evacuate",
    AllocateSecondary: "allocate-secondary",
}
