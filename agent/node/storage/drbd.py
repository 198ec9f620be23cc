"""The ``drbd`` disk template on loopback agents: this node's half of each mirrored disk.

Each half is a sparse backing file plus a small state file holding what the
DRBD kernel module would: the minor, the peer (node, address, minor, port),
the role (primary or secondary), the connection and the disk state. The
halves of one disk live on two agents that never talk to each other; the
master drives both, as Ganeti's master does with ``drbdsetup``. Bytes are not
replicated between the two backing files: a half that is connected to its
peer reports itself in sync.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from agent.errors import OpExecError
from agent.node.storage.base import DiskRef, StorageBackend, StoredDisk

PATH_PREFIX = "drbd:"
PRIMARY = "primary"
SECONDARY = "secondary"
CONNECTED = "Connected"
STANDALONE = "StandAlone"
UP_TO_DATE = "UpToDate"


@dataclass(frozen=True)
class DrbdPeer:
    """The DRBD parameters of one half, as the master computed them."""

    minor: int
    port: int
    peer_node: str
    peer_address: str
    peer_minor: int
    secret: str
    primary: bool


@dataclass
class DrbdHalf:
    uuid: str
    instance_name: str
    index: int
    size_mib: int
    minor: int
    port: int
    peer_node: str
    peer_address: str
    peer_minor: int
    secret_digest: str
    role: str
    connection: str
    disk_state: str

    @property
    def sync_percent(self) -> float:
        return 100.0 if self.disk_state == UP_TO_DATE else 0.0


def device_path(uuid: str) -> str:
    """What the master puts in a start request for a DRBD disk; the node resolves it."""
    return PATH_PREFIX + uuid


class DrbdStorage(StorageBackend):
    dev_type = "drbd"

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    # -- files -----------------------------------------------------------------

    def _state_path(self, uuid: str) -> Path:
        if "/" in uuid or uuid.startswith("."):
            raise OpExecError(f"invalid disk uuid {uuid!r}")
        return self.root / f"{uuid}.json"

    def _data_path(self, uuid: str) -> Path:
        return self.root / f"{uuid}.data"

    def _load(self, uuid: str) -> DrbdHalf | None:
        path = self._state_path(uuid)
        if not path.exists():
            return None
        try:
            return DrbdHalf(**json.loads(path.read_text()))
        except (ValueError, TypeError) as exc:
            raise OpExecError(f"DRBD state file {path} is corrupt: {exc}") from None

    def _save(self, half: DrbdHalf) -> None:
        path = self._state_path(half.uuid)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w") as fh:
            json.dump(asdict(half), fh, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    def _halves(self) -> list[DrbdHalf]:
        found = []
        for path in sorted(self.root.glob("*.json")):
            half = self._load(path.stem)
            if half is not None:
                found.append(half)
        return found

    def _need(self, uuid: str) -> DrbdHalf:
        half = self._load(uuid)
        if half is None:
            raise OpExecError(f"DRBD disk {uuid} does not exist on this node")
        return half

    # -- the StorageBackend interface --------------------------------------------

    def create(self, disk: DiskRef) -> str:
        raise OpExecError("a DRBD disk needs its peer parameters")

    def create_half(self, disk: DiskRef, peer: DrbdPeer) -> str:
        """Create this node's half: the backing file and the device state."""
        with self._lock:
            for other in self._halves():
                if other.minor == peer.minor and other.uuid != disk.uuid:
                    raise OpExecError(f"drbd{peer.minor}: minor is already in use at Create() time")
            free = shutil.disk_usage(self.root).free // (1024 * 1024)
            if disk.size_mib > free:
                raise OpExecError(
                    f"Not enough free space: required {disk.size_mib}, available {free}"
                )
            with open(self._data_path(disk.uuid), "wb") as fh:
                fh.truncate(disk.size_mib * 1024 * 1024)
            half = DrbdHalf(
                uuid=disk.uuid, instance_name=disk.instance_name, index=disk.index,
                size_mib=disk.size_mib, minor=peer.minor, port=peer.port,
                peer_node=peer.peer_node, peer_address=peer.peer_address,
                peer_minor=peer.peer_minor, secret_digest=_digest(peer.secret),
                role=PRIMARY if peer.primary else SECONDARY,
                connection=CONNECTED if peer.peer_node else STANDALONE, disk_state=UP_TO_DATE,
            )
            self._save(half)
        return device_path(disk.uuid)

    def remove(self, disk: DiskRef) -> None:
        with self._lock:
            self._data_path(disk.uuid).unlink(missing_ok=True)
            self._state_path(disk.uuid).unlink(missing_ok=True)

    def list(self) -> list[StoredDisk]:
        with self._lock:
            return [
                StoredDisk(h.uuid, "drbd", str(self._data_path(h.uuid)), h.size_mib)
                for h in self._halves()
            ]

    # -- DRBD operations ---------------------------------------------------------

    def status(self, uuid: str) -> DrbdHalf | None:
        with self._lock:
            return self._load(uuid)

    def set_role(self, uuid: str, primary: bool, in_use: bool) -> None:
        """Promote or demote this half; a half a running instance has open stays primary."""
        with self._lock:
            half = self._need(uuid)
            if primary:
                if half.disk_state != UP_TO_DATE:
                    raise OpExecError(f"drbd{half.minor}: cannot promote, local disk is {half.disk_state}")
                half.role = PRIMARY
            else:
                if in_use:
                    raise OpExecError(f"drbd{half.minor}: cannot demote, the device is in use")
                half.role = SECONDARY
            self._save(half)

    def reconnect(self, uuid: str, peer: DrbdPeer) -> None:
        """Attach this half to a (new) peer, or detach it from the network (no peer_node)."""
        with self._lock:
            half = self._need(uuid)
            if peer.minor != half.minor:
                raise OpExecError(f"drbd{half.minor}: the minor cannot change (asked {peer.minor})")
            half.peer_node, half.peer_address = peer.peer_node, peer.peer_address
            half.peer_minor, half.port = peer.peer_minor, peer.port
            half.secret_digest = _digest(peer.secret)
            half.connection = CONNECTED if peer.peer_node else STANDALONE
            self._save(half)

    def open_path(self, path: str) -> str:
        """Resolve ``drbd:<uuid>`` for the hypervisor: only a primary half may be opened."""
        uuid = path.removeprefix(PATH_PREFIX)
        with self._lock:
            half = self._need(uuid)
            if half.role != PRIMARY:
                raise OpExecError(f"drbd{half.minor}: cannot open the device, it is secondary on this node")
            return str(self._data_path(uuid))


def _digest(secret: str) -> str:
    # The shared secret itself stays with the master; the node keeps a fingerprint.
    return hashlib.sha256(secret.encode()).hexdigest() if secret else ""
