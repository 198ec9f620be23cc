"""Copying one disk's data into another on the same node, for disk template conversion.

Ganeti's ``blockdev_convert`` copies the old device into the new one with dd;
here both are files, so the copy keeps holes: runs of zeros are skipped
with a seek, and the target keeps its full (possibly larger) size.
"""

from __future__ import annotations

import os
from pathlib import Path

from agent.errors import OpExecError
from agent.node.storage.base import StorageBackend

CHUNK = 1024 * 1024
_ZERO = bytes(CHUNK)


def data_path(backend: StorageBackend, uuid: str) -> Path:
    """Where the data of disk ``uuid`` lives in ``backend`` (this node's half for DRBD)."""
    for disk in backend.list():
        if disk.uuid == uuid:
            return Path(disk.path)
    raise OpExecError(f"Disk {uuid} ({backend.dev_type}) does not exist on this node")


def copy_disk(source: Path, target: Path) -> int:
    """Copy ``source`` into ``target`` (which must be at least as large); return MiB copied."""
    size = os.stat(source).st_size
    room = os.stat(target).st_size
    if size > room:
        raise OpExecError(
            f"Cannot copy {source} into {target}: target is smaller ({room // CHUNK} MiB, "
            f"needed {size // CHUNK} MiB)"
        )
    with open(source, "rb") as src, open(target, "r+b") as dst:
        # Empty the target first, so every run of zeros skipped below reads back as zeros.
        dst.truncate(0)
        dst.truncate(room)
        offset = 0
        while True:
            block = src.read(CHUNK)
            if not block:
                break
            if block == _ZERO[: len(block)]:
                offset += len(block)
                dst.seek(offset)
                continue
            dst.write(block)
            offset += len(block)
        dst.flush()
        os.fsync(dst.fileno())
    return size // CHUNK
