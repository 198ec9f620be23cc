"""Finding and running an allocator: the built-in one, or an external IAllocator executable.

``hail`` is the built-in allocator, run in a worker thread. Any other name is
an external program: a path, or a plain name looked up in the IAllocator
search path as Ganeti does. An external allocator gets the request as a file
argument (followed by ``--key=value`` options) and answers on stdout.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import re
import signal
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

BUILTIN = "hail"
DEFAULT_TIMEOUT = 300.0
SEARCH_PATH_ENV = "GANETI_SHELL_IALLOCATOR_PATH"
# Ganeti's default: $libdir/ganeti/iallocators.
DEFAULT_SEARCH_PATH = ("/usr/lib/ganeti/iallocators", "/usr/local/lib/ganeti/iallocators")
_NAME_MASK = re.compile(r"^[a-zA-Z0-9_-]+$")
_OUTPUT_LIMIT = 400


class AllocatorRunError(Exception):
    """The allocator could not be found or did not produce an answer."""


@dataclass(frozen=True)
class Allocator:
    """An allocator as the operator named it, and the program that runs it (None: built-in)."""

    name: str
    path: str | None

    @property
    def builtin(self) -> bool:
        return self.path is None


def search_path() -> tuple[str, ...]:
    configured = os.environ.get(SEARCH_PATH_ENV)
    if configured:
        return tuple(p for p in configured.split(":") if p)
    return DEFAULT_SEARCH_PATH


def resolve(name: str, path: Sequence[str] | None = None) -> Allocator:
    """The allocator called ``name``: built-in, a path, or found in the search path."""
    if name == BUILTIN:
        return Allocator(name, None)
    if "/" in name:
        program = os.path.abspath(name)
        if not os.path.isfile(program):
            raise AllocatorRunError(f"iallocator '{name}' not found")
        if not os.access(program, os.X_OK):
            raise AllocatorRunError(f"iallocator '{name}' is not executable")
        return Allocator(name, program)
    if _NAME_MASK.match(name):
        for directory in search_path() if path is None else path:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return Allocator(name, candidate)
    raise AllocatorRunError(f"iallocator module '{name}' not found in the search path")


def command_options(options: dict[str, str | None]) -> list[str]:
    """``{"a": "1", "b": None}`` as ``["--a=1", "--b"]``, the way Ganeti passes allocator parameters."""
    return [f"--{k}" if v is None else f"--{k}={v}" for k, v in options.items()]


def _builtin_answer() -> Callable[[str], str]:
    try:
        module = importlib.import_module("agent.htools.iallocator")
    except ImportError as exc:
        raise AllocatorRunError(f"the built-in allocator is not available: {exc}") from None
    answer: Callable[[str], str] | None = getattr(module, "answer", None)
    if answer is None:
        raise AllocatorRunError("the built-in allocator is not available")
    return answer


def _builtin_options(allocator: Allocator, options: dict[str, str | None]) -> tuple[object, ...]:
    """hail's command-line options as the built-in allocator's options object (none: no argument)."""
    if not options:
        return ()
    from agent.htools.iallocator import IAllocOptions

    capacity, soft, restrict = True, False, None
    for key, value in options.items():
        if key == "no-capacity-checks" and value is None:
            capacity = False
        elif key == "ignore-soft-errors" and value is None:
            soft = True
        elif key == "restrict-allocation-to" and value:
            restrict = tuple(n for n in value.split(",") if n)
        else:
            shown = f"--{key}" if value is None else f"--{key}={value}"
            raise AllocatorRunError(f"iallocator module '{allocator.name}' failed: unrecognized option '{shown}'")
    return (IAllocOptions(capacity=capacity, ignore_soft_errors=soft, restrict_to=restrict),)


async def run(
    allocator: Allocator, request_text: str, options: dict[str, str | None] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> str:
    """Run the allocator on one request and return its raw answer text."""
    if allocator.builtin:
        answer = _builtin_answer()
        call_args = _builtin_options(allocator, options or {})
        try:
            return await asyncio.wait_for(asyncio.to_thread(answer, request_text, *call_args), timeout)
        except TimeoutError:
            raise AllocatorRunError(
                f"iallocator module '{allocator.name}' failed: no answer within {timeout:g} seconds"
            ) from None
        except Exception as exc:  # the built-in allocator must never take the master down
            raise AllocatorRunError(f"iallocator module '{allocator.name}' failed: {exc}") from None
    assert allocator.path is not None
    fd, request_file = tempfile.mkstemp(prefix="ganeti-iallocator.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(request_text)
        return await _run_program(allocator, [allocator.path, request_file, *command_options(options or {})], timeout)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(request_file)


async def _run_program(allocator: Allocator, argv: list[str], timeout: float) -> str:
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, start_new_session=True,
        )
    except OSError as exc:
        raise AllocatorRunError(f"iallocator module '{allocator.name}' failed: {exc.strerror or exc}") from None
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except (TimeoutError, asyncio.CancelledError) as exc:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()
        if isinstance(exc, asyncio.CancelledError):
            raise
        raise AllocatorRunError(
            f"iallocator module '{allocator.name}' failed: no answer within {timeout:g} seconds"
        ) from None
    stdout = out.decode("utf-8", "replace")
    if proc.returncode != 0:
        output = (stdout + err.decode("utf-8", "replace")).strip()
        if len(output) > _OUTPUT_LIMIT:
            output = output[: _OUTPUT_LIMIT - 3] + "..."
        code = proc.returncode or 0
        reason = f"exited with exit code {code}" if code > 0 else f"terminated by signal {-code}"
        raise AllocatorRunError(f"iallocator module '{allocator.name}' failed: {reason}, output '{output}'")
    return stdout
