"""Node groups: the unit hbal balances and allocation chooses between."""

from __future__ import annotations

from dataclasses import dataclass, field

from .types import DEFAULT_IPOLICY, AllocPolicy, IPolicy


@dataclass
class Group:
    """A node group with its allocation policy and instance policy."""

    name: str
    uuid: str
    alloc_policy: AllocPolicy = AllocPolicy.PREFERRED
    networks: list[str] = field(default_factory=list)
    ipolicy: IPolicy = DEFAULT_IPOLICY
    tags: list[str] = field(default_factory=list)
    idx: int = -1
