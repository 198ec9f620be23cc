"""The SQLite store: per-object serials, one-transaction changes, durability and refusal of bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import ConfigError, StoreError
from agent.store import ConfigObject, Delete, Put, SqliteStore


def _inst(name: str, uuid: str | None = None) -> ConfigObject:
    return ConfigObject("instance", uuid or f"uuid-{name}", name, {"name": name, "admin_state": "up"})


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    s = SqliteStore(tmp_path / "config.db", create=True)
    yield s
    s.close()


def test_new_object_starts_at_serial_one_and_update_bumps_it(store: SqliteStore) -> None:
    (created,) = store.commit([Put(_inst("web1"))])
    assert created.serial_no == 1 and created.ctime == created.mtime
    changed = created.copy()
    changed.data["admin_state"] = "down"
    (updated,) = store.commit([Put(changed)])
    assert updated.serial_no == 2
    assert store.get("instance", "uuid-web1").data["admin_state"] == "down"


def test_update_from_a_stale_read_is_refused(store: SqliteStore) -> None:
    (obj,) = store.commit([Put(_inst("web1"))])
    store.commit([Put(obj)])
    with pytest.raises(ConfigError, match="updated since it has been read: 2 != 1"):
        store.commit([Put(obj)])


def test_failed_transaction_changes_nothing(store: SqliteStore) -> None:
    store.commit([Put(_inst("web1"))])
    serial = store.cluster_serial()
    with pytest.raises(ConfigError):
        store.commit([Put(_inst("web2")), Put(_inst("web1", uuid="other"))])
    assert store.find("instance", "web2") is None
    assert store.cluster_serial() == serial


def test_every_change_bumps_the_cluster_serial(store: SqliteStore) -> None:
    before = store.cluster_serial()
    store.commit([Put(_inst("web1"))])
    store.commit([Delete("instance", "uuid-web1")])
    assert store.cluster_serial() == before + 2
    assert store.count("instance") == 0


def test_committed_state_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "config.db"
    s = SqliteStore(path, create=True)
    s.commit([Put(_inst("web1"))])
    ids = s.add_jobs([lambda i: {"id": i, "status": "queued", "ops": []}] * 3)
    s.close()
    again = SqliteStore(path)
    assert again.find("instance", "web1") is not None
    assert [j.id for j in again.unfinished_jobs()] == ids == [1, 2, 3]
    again.close()


def test_job_ids_are_consecutive_and_never_reused(store: SqliteStore) -> None:
    first = store.add_jobs([lambda i: {"id": i, "status": "queued"}] * 2)
    second = store.add_jobs([lambda i: {"id": i, "status": "queued"}])
    assert first == [1, 2] and second == [3]


def test_missing_state_file_is_refused_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=str(tmp_path / "config.db")):
        SqliteStore(tmp_path / "config.db")


def test_corrupt_state_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "config.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="config.db"):
        SqliteStore(path)
