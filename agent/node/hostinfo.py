"""What the node has: memory, CPUs and disk, read from the host or overridden.

Overrides let several agents on one machine stand for bigger hosts in the
demo and in simulations.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class HostOverrides:
    memory_mib: int | None = None
    cpus: int | None = None
    disk_mib: int | None = None


def _meminfo() -> tuple[int, int]:
    """Total and available memory in MiB from /proc/meminfo."""
    values: dict[str, int] = {}
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            key, _, rest = line.partition(":")
            values[key] = int(rest.split()[0]) // 1024
    except (OSError, ValueError, IndexError):
        return 0, 0
    return values.get("MemTotal", 0), values.get("MemAvailable", values.get("MemFree", 0))


@dataclass(frozen=True)
class HostResources:
    memory_total_mib: int
    memory_free_mib: int
    memory_node_mib: int
    cpu_count: int
    disk_total_mib: int
    disk_free_mib: int


def read_host(storage_dir: Path, overrides: HostOverrides, used_memory_mib: int,
              used_disk_mib: int) -> HostResources:
    """Resources as Ganeti's node info reports them; with overrides, instances are subtracted."""
    total, avail = _meminfo()
    if overrides.memory_mib is not None:
        mem_total = overrides.memory_mib
        mem_node = min(1024, mem_total // 8)
        mem_free = max(0, mem_total - mem_node - used_memory_mib)
    else:
        mem_total, mem_free = total, avail
        mem_node = max(0, total - avail - used_memory_mib)
    usage = shutil.disk_usage(storage_dir)
    if overrides.disk_mib is not None:
        disk_total = overrides.disk_mib
        disk_free = max(0, disk_total - used_disk_mib)
    else:
        disk_total, disk_free = usage.total // 2**20, usage.free // 2**20
    cpus = overrides.cpus if overrides.cpus is not None else (os.cpu_count() or 1)
    return HostResources(mem_total, mem_free, mem_node, cpus, disk_total, disk_free)
