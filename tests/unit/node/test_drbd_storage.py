"""A node's half of DRBD disks: minors, roles, peers and what the hypervisor may open."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import OpExecError
from agent.node.storage.base import DiskRef
from agent.node.storage.drbd import DrbdPeer, DrbdStorage, device_path


def _peer(minor: int = 0, primary: bool = True, peer_node: str = "node2") -> DrbdPeer:
    return DrbdPeer(minor=minor, port=11000, peer_node=peer_node, peer_address="127.0.0.1",
                    peer_minor=3, secret="s3cret", primary=primary)


def _ref(uuid: str = "d1") -> DiskRef:
    return DiskRef(uuid, "drbd", 16, "web1", 0)


def test_created_half_is_connected_and_up_to_date(tmp_path: Path) -> None:
    storage = DrbdStorage(tmp_path)
    assert storage.create_half(_ref(), _peer()) == device_path("d1")
    half = storage.status("d1")
    assert half is not None
    assert (half.role, half.connection, half.disk_state, half.sync_percent) == (
        "primary", "Connected", "UpToDate", 100.0)
    assert "s3cret" not in (tmp_path / "d1.json").read_text()
    assert [d.size_mib for d in storage.list()] == [16]


def test_a_minor_serves_one_disk(tmp_path: Path) -> None:
    storage = DrbdStorage(tmp_path)
    storage.create_half(_ref("d1"), _peer(minor=2))
    with pytest.raises(OpExecError, match="drbd2: minor is already in use at Create"):
        storage.create_half(_ref("d2"), _peer(minor=2))


def test_only_a_primary_half_can_be_opened(tmp_path: Path) -> None:
    storage = DrbdStorage(tmp_path)
    storage.create_half(_ref(), _peer(primary=False))
    with pytest.raises(OpExecError, match="it is secondary on this node"):
        storage.open_path(device_path("d1"))
    storage.set_role("d1", True, in_use=False)
    assert Path(storage.open_path(device_path("d1"))).exists()


def test_a_half_in_use_cannot_be_demoted(tmp_path: Path) -> None:
    storage = DrbdStorage(tmp_path)
    storage.create_half(_ref(), _peer())
    with pytest.raises(OpExecError, match="cannot demote, the device is in use"):
        storage.set_role("d1", False, in_use=True)


def test_reconnect_follows_a_new_peer_or_goes_standalone(tmp_path: Path) -> None:
    storage = DrbdStorage(tmp_path)
    storage.create_half(_ref(), _peer())
    storage.reconnect("d1", _peer(peer_node=""))
    assert storage.status("d1").connection == "StandAlone"  # type: ignore[union-attr]
    storage.reconnect("d1", _peer(peer_node="node5"))
    half = storage.status("d1")
    assert half is not None and (half.peer_node, half.connection) == ("node5", "Connected")
    with pytest.raises(OpExecError, match="the minor cannot change"):
        storage.reconnect("d1", _peer(minor=9))


def test_removed_half_leaves_nothing(tmp_path: Path) -> None:
    storage = DrbdStorage(tmp_path)
    storage.create_half(_ref(), _peer())
    storage.remove(_ref())
    assert storage.status("d1") is None and storage.list() == []
    assert list(tmp_path.iterdir()) == []
