"""Live names from the master for completion, cached briefly and never raising.

The completer runs in a thread (``complete_in_thread``), so a slow master only
delays the menu; a dead one yields no names. Both answers are cached for
``ttl`` seconds so typing does not turn into one RPC per keystroke.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from shell.cli.tree import FILTER, GROUP, INSTANCE, JOB, NODE

NAME_TTL = 5.0
CLIENT_TIMEOUT = 3.0


class ClusterSource(Protocol):
    """The part of ``ClusterClient`` the REPL reads; tests pass a fake with these methods."""

    def query(
        self, kind: str, names: list[str] | None = None, live: bool = False
    ) -> list[dict[str, Any]]: ...

    def get_jobs(
        self, job_ids: list[int] | None = None
    ) -> tuple[list[dict[str, Any]], list[int]]: ...

    def query_filters(self, uuids: list[str] | None = None) -> list[dict[str, Any]]: ...


class MasterConnection:
    """One lazily made ``ClusterClient`` with a short timeout, shared by completer and toolbar."""

    def __init__(self, address: str | None = None, timeout: float = CLIENT_TIMEOUT) -> None:
        self._address = address
        self._timeout = timeout
        self._client: Any = None
        self._lock = threading.Lock()

    def get(self) -> ClusterSource:
        """The client; raises (e.g. ``MasterUnreachable``) when it cannot be made."""
        with self._lock:
            if self._client is None:
                from shell.client import ClusterClient

                self._client = ClusterClient(self._address, timeout=self._timeout)
            client: ClusterSource = self._client
            return client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


@dataclass(frozen=True)
class Name:
    """A candidate name and a short note shown beside it in the menu."""

    text: str
    meta: str = ""


def fetch_names(source: ClusterSource, kind: str) -> list[Name]:
    """The names of one kind (node, instance, group, job, filter) as the master knows them now."""
    if kind == JOB:
        jobs, _ = source.get_jobs()
        jobs = sorted(jobs, key=lambda j: -int(j["id"]))  # newest first
        return [
            Name(str(j["id"]), f"{j.get('status', '')} {','.join(j.get('summary') or [])}".strip())
            for j in jobs
        ]
    if kind == FILTER:
        rules = sorted(source.query_filters(), key=lambda r: (int(r.get("priority", 0)), str(r["uuid"])))
        return [Name(str(r["uuid"]), f"priority {r.get('priority', 0)} {_action_text(r.get('action'))}")
                for r in rules]
    if kind in (NODE, INSTANCE, GROUP):
        objects = source.query(kind)
        note = {NODE: "group_name", INSTANCE: "pnode", GROUP: "node_cnt"}[kind]
        return [
            Name(str(o["name"]), str(o.get(note) if o.get(note) is not None else ""))
            for o in objects
        ]
    return []


def _action_text(action: Any) -> str:
    if isinstance(action, list):
        return " ".join(str(part) for part in action)
    return str(action or "")


class LiveNames:
    """Names per kind, fetched through ``source()`` and kept for ``ttl`` seconds."""

    def __init__(
        self,
        source: Callable[[], ClusterSource],
        ttl: float = NAME_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[str, tuple[float, list[Name]]] = {}
        self._lock = threading.Lock()

    def names(self, kind: str) -> list[Name]:
        now = self._clock()
        with self._lock:
            cached = self._cache.get(kind)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        try:
            names = fetch_names(self._source(), kind)
        except Exception:  # any failure: offer nothing, keep typing
            names = []
        with self._lock:
            self._cache[kind] = (now, names)
        return names
