"""The ``file`` disk template: each disk is a sparse file under the node's storage dir."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from agent.errors import OpExecError
from agent.node.storage.base import DiskRef, StorageBackend, StoredDisk


class FileStorage(StorageBackend):
    dev_type = "file"

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, disk: DiskRef) -> Path:
        if "/" in disk.instance_name or disk.instance_name.startswith("."):
            raise OpExecError(f"invalid instance name for a file path: {disk.instance_name!r}")
        return self.root / disk.instance_name / f"disk{disk.index}-{disk.uuid}"

    def create(self, disk: DiskRef) -> str:
        path = self._path(disk)
        free = shutil.disk_usage(self.root).free // (1024 * 1024)
        if disk.size_mib > free:
            raise OpExecError(
                f"Not enough disk space for {path}: needed {disk.size_mib} MiB, available {free} MiB"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            fh.truncate(disk.size_mib * 1024 * 1024)
        return str(path)

    def remove(self, disk: DiskRef) -> None:
        path = self._path(disk)
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()
        except OSError:
            pass  # other disks of the instance remain

    def list(self) -> list[StoredDisk]:
        found = []
        for path in sorted(self.root.glob("*/disk*-*")):
            uuid = path.name.split("-", 1)[1]
            found.append(StoredDisk(uuid, "file", str(path), os.stat(path).st_size // (1024 * 1024)))
        return found


class DisklessStorage(StorageBackend):
    """Instances without disks: nothing to create."""

    dev_type = "diskless"

    def create(self, disk: DiskRef) -> str:
        return ""

    def remove(self, disk: DiskRef) -> None:
        return None

    def list(self) -> list[StoredDisk]:
        return []
