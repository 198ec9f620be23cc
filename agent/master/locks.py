"""Ganeti's lock levels with shared and exclusive modes, owned by jobs.

A request names several locks of one level and is granted atomically. Waiting
requests are served by priority (lower value first, then arrival), and a
waiting request reserves its locks against later, less urgent ones, so an
urgent job is never overtaken. Locks are released when their job releases
them, never after a timeout.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field

LEVELS = ("cluster", "instance", "nodegroup", "node", "node-res", "network")
BGL = "cluster/BGL"
LOCKSET = "[lockset]"

SHARED = "shared"
EXCLUSIVE = "exclusive"


def lockset(level: str) -> str:
    return f"{level}/{LOCKSET}"


def level_of(name: str) -> str:
    return name.split("/", 1)[0]


def is_lockset(name: str) -> bool:
    return name.endswith("/" + LOCKSET)


@dataclass
class _Lock:
    mode: str | None = None
    owners: set[int] = field(default_factory=set)


@dataclass(eq=False)
class _Request:
    owner: int
    wants: dict[str, str]
    priority: int
    seq: int
    future: asyncio.Future[None]


@dataclass(frozen=True)
class LockInfo:
    """One row of ``gnt-debug locks``."""

    name: str
    mode: str | None
    owners: tuple[int, ...]
    pending: tuple[tuple[str, int], ...]


class LockManager:
    def __init__(self) -> None:
        self._locks: dict[str, _Lock] = {}
        self._members: dict[str, set[str]] = {}  # level -> held member names
        self._waiting: list[_Request] = []
        self._seq = itertools.count()

    # -- conflict rules ------------------------------------------------------

    def _blocks(self, name: str, mode: str, owner: int, holders: dict[str, _Lock]) -> bool:
        """Whether current holders (other than ``owner``) block ``name`` in ``mode``."""

        def conflicts(lock: _Lock | None, want: str) -> bool:
            if lock is None or not (lock.owners - {owner}):
                return False
            return want == EXCLUSIVE or lock.mode == EXCLUSIVE

        level = level_of(name)
        if is_lockset(name):
            if conflicts(holders.get(name), mode):
                return True
            return any(
                conflicts(holders.get(member), mode) for member in self._members.get(level, ())
            )
        return conflicts(holders.get(name), mode) or conflicts(holders.get(lockset(level)), mode)

    def _grantable(self, req: _Request, reserved: list[_Request]) -> bool:
        for name, mode in req.wants.items():
            if self._blocks(name, mode, req.owner, self._locks):
                return False
            for earlier in reserved:
                if earlier.owner == req.owner:
                    continue
                shadow = {n: _Lock(m, {earlier.owner}) for n, m in earlier.wants.items()}
                if self._blocks(name, mode, req.owner, shadow):
                    return False
        return True

    def _grant(self, req: _Request) -> None:
        for name, mode in req.wants.items():
            lock = self._locks.setdefault(name, _Lock())
            lock.owners.add(req.owner)
            lock.mode = EXCLUSIVE if mode == EXCLUSIVE or lock.mode == EXCLUSIVE else SHARED
            if not is_lockset(name):
                self._members.setdefault(level_of(name), set()).add(name)

    def _wake(self) -> None:
        blocked: list[_Request] = []
        for req in sorted(self._waiting, key=lambda r: (r.priority, r.seq)):
            if req.future.done():
                continue
            if self._grantable(req, blocked):
                self._grant(req)
                req.future.set_result(None)
            else:
                blocked.append(req)
        self._waiting = [r for r in self._waiting if not r.future.done()]

    # -- public --------------------------------------------------------------

    async def acquire(self, owner: int, wants: dict[str, str], priority: int = 0) -> None:
        """Wait until every lock in ``wants`` (name -> mode) is held by ``owner``."""
        if not wants:
            return
        loop = asyncio.get_running_loop()
        req = _Request(owner, dict(wants), priority, next(self._seq), loop.create_future())
        self._waiting.append(req)
        self._wake()
        try:
            await req.future
        except asyncio.CancelledError:
            if req.future.done() and not req.future.cancelled():
                self._release_names(owner, list(wants))
            self._waiting = [r for r in self._waiting if r is not req]
            self._wake()
            raise

    def _release_names(self, owner: int, names: list[str]) -> None:
        for name in names:
            lock = self._locks.get(name)
            if lock is None:
                continue
            lock.owners.discard(owner)
            if not lock.owners:
                del self._locks[name]
                if not is_lockset(name):
                    self._members.get(level_of(name), set()).discard(name)

    def release_all(self, owner: int) -> None:
        held = [name for name, lock in self._locks.items() if owner in lock.owners]
        self._release_names(owner, held)
        self._wake()

    def set_priority(self, owner: int, priority: int) -> None:
        """A job's priority changed: its waiting requests move in the queue accordingly."""
        for req in self._waiting:
            if req.owner == owner:
                req.priority = priority
        self._wake()

    def held_by(self, owner: int) -> dict[str, str]:
        return {
            name: (lock.mode or SHARED)
            for name, lock in self._locks.items()
            if owner in lock.owners
        }

    def snapshot(self) -> list[LockInfo]:
        """Locks that are held or requested, sorted by name."""
        pending: dict[str, list[tuple[str, int]]] = {}
        for req in sorted(self._waiting, key=lambda r: (r.priority, r.seq)):
            for name, mode in req.wants.items():
                pending.setdefault(name, []).append((mode, req.owner))
        names = sorted(set(self._locks) | set(pending))
        return [
            LockInfo(
                name,
                self._locks[name].mode if name in self._locks else None,
                tuple(sorted(self._locks[name].owners)) if name in self._locks else (),
                tuple(pending.get(name, ())),
            )
            for name in names
        ]
