"""A hypervisor that runs nothing but keeps its instances' state on disk.

It serves the demo, the tests and simulations of large clusters; its state
file makes running instances survive an agent restart, as real VMs do.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from agent.errors import OpExecError
from agent.node.hypervisor.base import Hypervisor, RunningInstance


class FakeHypervisor(Hypervisor):
    name = "fake"

    def __init__(self, state_dir: Path) -> None:
        self._path = state_dir / "hypervisor-fake.json"
        self._lock = threading.Lock()
        self._running: dict[str, dict[str, int]] = {}
        # Instances arriving by migration (not running yet) and leaving (target name).
        self._incoming: dict[str, dict[str, int]] = {}
        self._outgoing: dict[str, str] = {}
        if self._path.exists():
            try:
                self._running = json.loads(self._path.read_text())
            except ValueError as exc:
                raise OpExecError(f"state file {self._path} is corrupt: {exc}") from exc

    def _save(self) -> None:
        tmp = self._path.with_suffix(".tmp")
        with open(tmp, "w") as fh:
            json.dump(self._running, fh, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self._path)

    def list_instances(self) -> list[RunningInstance]:
        with self._lock:
            return [
                RunningInstance(name, spec["memory_mib"], spec["vcpus"])
                for name, spec in sorted(self._running.items())
            ]

    def start(
        self, name: str, memory_mib: int, vcpus: int, disk_paths: list[str], paused: bool
    ) -> None:
        for path in disk_paths:
            if path and not Path(path).exists():
                raise OpExecError(f"disk {path} of instance {name} does not exist")
        with self._lock:
            self._running[name] = {"memory_mib": memory_mib, "vcpus": vcpus}
            self._save()

    def stop(self, name: str, timeout_s: int) -> bool:
        with self._lock:
            was = self._running.pop(name, None) is not None
            if was:
                self._save()
            return was

    def used_memory_mib(self) -> int:
        with self._lock:
            return sum(spec["memory_mib"] for spec in self._running.values())

    # -- migration -------------------------------------------------------------

    def accept_migration(self, name: str, memory_mib: int, vcpus: int, disk_paths: list[str]) -> None:
        for path in disk_paths:
            if path and not Path(path).exists():
                raise OpExecError(f"disk {path} of instance {name} does not exist")
        with self._lock:
            if name in self._running:
                raise OpExecError(f"Instance {name} is already running on this node")
            self._incoming[name] = {"memory_mib": memory_mib, "vcpus": vcpus}

    def migrate(self, name: str, target: str, live: bool) -> str:
        with self._lock:
            if name not in self._running:
                raise OpExecError("Instance not running, cannot migrate")
            self._outgoing[name] = target
        return "completed"

    def finalize_migration(self, name: str, source: bool, success: bool) -> None:
        with self._lock:
            if source:
                self._outgoing.pop(name, None)
                if success and self._running.pop(name, None) is not None:
                    self._save()
                return
            spec = self._incoming.pop(name, None)
            if not success:
                return
            if spec is None:
                raise OpExecError(f"Instance {name} was not accepted for migration on this node")
            self._running[name] = spec
            self._save()
