"""One allocator call: build the input, run the allocator, check its answer.

Every failure becomes an ``OpPrereqError`` that names the allocator and the
problem; an answer with ``success: false`` is returned for the caller to word.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from agent.errors import OpPrereqError
from agent.master.iallocator import runner
from agent.master.iallocator.answer import Answer, AnswerError, parse_answer
from agent.master.iallocator.request import Request, build_input
from agent.master.iallocator.snapshot import Snapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Exchange:
    """A request as sent and the checked answer."""

    allocator: str
    input_data: dict[str, Any]
    answer: Answer


async def call(
    allocator_name: str,
    snap: Snapshot,
    request: Request,
    options: dict[str, str | None] | None = None,
    timeout: float = runner.DEFAULT_TIMEOUT,
) -> Exchange:
    """Ask ``allocator_name`` about ``request`` over the cluster in ``snap``."""
    try:
        allocator = runner.resolve(allocator_name)
    except runner.AllocatorRunError as exc:
        raise OpPrereqError(f"Failure while running the iallocator script: {exc}", "environment_error") from None
    input_data = build_input(snap, request)
    text = json.dumps(input_data)
    log.debug("IAllocator request to %s: %s", allocator_name, text)
    merged = dict(options or {})
    merged.update(request.extra_params())
    try:
        output = await runner.run(allocator, text, merged, timeout)
    except runner.AllocatorRunError as exc:
        raise OpPrereqError(f"Failure while running the iallocator script: {exc}", "environment_error") from None
    try:
        answer = parse_answer(output, request, input_data)
    except AnswerError as exc:
        raise OpPrereqError(f"Invalid answer from iallocator '{allocator_name}': {exc}", "environment_error") from None
    return Exchange(allocator_name, input_data, answer)
