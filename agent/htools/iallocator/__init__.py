"""The IAllocator protocol: requests in, answers out, exactly as Ganeti's hail."""

from .allocate import RequestFailed
from .answer import Outcome, answer, failure, render, run, uses_dedicated
from .parse import parse_request
from .request import (
    Allocate,
    AllocateSecondary,
    ChangeGroup,
    IAllocOptions,
    MultiAllocate,
    NewInstance,
    NodeEvacuate,
    Relocate,
    Request,
    RequestError,
)

__all__ = [
    "Allocate", "AllocateSecondary", "ChangeGroup", "IAllocOptions", "MultiAllocate",
    "NewInstance", "NodeEvacuate", "Outcome", "Relocate", "Request", "RequestError",
    "RequestFailed", "answer", "failure", "parse_request", "render", "run", "uses_dedicated",
]
