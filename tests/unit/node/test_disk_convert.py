"""Copying a disk into another on one node: data and holes carried over, stale data cleared."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import OpExecError
from agent.node.storage import FileStorage
from agent.node.storage.base import DiskRef
from agent.node.storage.convert import CHUNK, copy_disk, data_path


def _sparse(path: Path, mib: int, writes: dict[int, bytes]) -> Path:
    with open(path, "wb") as fh:
        fh.truncate(mib * CHUNK)
        for offset, data in writes.items():
            fh.seek(offset)
            fh.write(data)
    return path


def test_copy_carries_data_and_reads_zeros_where_the_source_has_holes(tmp_path: Path) -> None:
    source = _sparse(tmp_path / "src", 8, {0: b"boot", 5 * CHUNK + 7: b"middle"})
    target = _sparse(tmp_path / "dst", 10, {3 * CHUNK: b"stale bytes"})
    assert copy_disk(source, target) == 8
    data = target.read_bytes()
    assert len(data) == 10 * CHUNK
    assert data[:4] == b"boot"
    assert data[5 * CHUNK + 7:5 * CHUNK + 13] == b"middle"
    assert data[3 * CHUNK:3 * CHUNK + 11] == bytes(11)
    assert data.count(0) == len(data) - len(b"boot") - len(b"middle")


def test_copy_keeps_unwritten_regions_sparse(tmp_path: Path) -> None:
    source = _sparse(tmp_path / "src", 64, {0: b"x"})
    target = _sparse(tmp_path / "dst", 64, {})
    copy_disk(source, target)
    assert target.stat().st_blocks * 512 < 8 * CHUNK


def test_copy_into_a_smaller_disk_is_refused(tmp_path: Path) -> None:
    source = _sparse(tmp_path / "src", 4, {})
    target = _sparse(tmp_path / "dst", 2, {})
    with pytest.raises(OpExecError, match="target is smaller"):
        copy_disk(source, target)


def test_data_path_finds_a_disk_by_uuid_or_names_the_missing_one(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path / "files")
    path = storage.create(DiskRef("d-1", "file", 1, "inst.example", 0))
    assert data_path(storage, "d-1") == Path(path)
    with pytest.raises(OpExecError, match="Disk d-2 \\(file\\) does not exist on this node"):
        data_path(storage, "d-2")
