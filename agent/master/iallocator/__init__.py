"""The master's side of the IAllocator protocol: requests, running an allocator, its answers."""

from agent.master.iallocator.answer import Answer, AnswerError, parse_answer
from agent.master.iallocator.call import Exchange, call
from agent.master.iallocator.request import (
    AllocateRequest,
    AllocateSecondaryRequest,
    ChangeGroupRequest,
    MultiAllocateRequest,
    NodeEvacuateRequest,
    RelocateRequest,
    Request,
    build_input,
)
from agent.master.iallocator.runner import BUILTIN, Allocator, AllocatorRunError, resolve
from agent.master.iallocator.snapshot import NodeLive, Snapshot

__all__ = [
    "BUILTIN",
    "AllocateRequest",
    "AllocateSecondaryRequest",
    "Allocator",
    "AllocatorRunError",
    "Answer",
    "AnswerError",
    "ChangeGroupRequest",
    "Exchange",
    "MultiAllocateRequest",
    "NodeEvacuateRequest",
    "NodeLive",
    "RelocateRequest",
    "Request",
    "Snapshot",
    "build_input",
    "call",
    "parse_answer",
    "resolve",
]
