"""SQLite backend of the store: one row per configuration object and per job.

WAL with ``synchronous=FULL``: a transaction is on disk when ``commit``
returns. Reads and writes touch only the rows they need, so their cost does
not grow with the size of the cluster.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.errors import ConfigError, StoreError
from agent.store.base import ConfigObject, Delete, Put, Store, StoredJob

FORMAT_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL,
    uuid TEXT NOT NULL,
    name TEXT NOT NULL,
    serial_no INTEGER NOT NULL,
    ctime REAL NOT NULL,
    mtime REAL NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, uuid)
);
CREATE UNIQUE INDEX IF NOT EXISTS objects_by_name ON objects (kind, name);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_unfinished ON jobs (status)
    WHERE status IN ('queued', 'waiting', 'running', 'canceling');
"""


class SqliteStore(Store):
    """The embedded store: a single SQLite file in the master's state directory."""

    def __init__(self, path: str | Path, create: bool = False) -> None:
        self.path = str(path)
        p = Path(path)
        if not create and not p.exists():
            raise StoreError(f"state file {p} is missing (run 'cluster init' first)")
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            if create:
                self._db.executescript(_SCHEMA)
                self._db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('format_version', ?)", (FORMAT_VERSION,)
                )
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('cluster_serial', '0')")
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('job_serial', '0')")
            ok = self._db.execute("PRAGMA quick_check").fetchone()[0]
            if ok != "ok":
                raise StoreError(f"state file {p} is corrupt: {ok}")
            row = self._db.execute(
                "SELECT value FROM meta WHERE key='format_version'"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"state file {p} is corrupt or unreadable: {exc}") from exc
        if row is None or row[0] != FORMAT_VERSION:
            raise StoreError(f"state file {p} has an unknown format version: {row and row[0]}")
        self._lock = threading.Lock()

    # -- configuration -------------------------------------------------------

    @staticmethod
    def _row_to_obj(row: tuple[Any, ...]) -> ConfigObject:
        kind, uuid, name, serial, ctime, mtime, data = row
        return ConfigObject(kind, uuid, name, json.loads(data), serial, ctime, mtime)

    def get(self, kind: str, uuid: str) -> ConfigObject | None:
        row = self._db.execute(
            "SELECT kind, uuid, name, serial_no, ctime, mtime, data FROM objects "
            "WHERE kind=? AND uuid=?",
            (kind, uuid),
        ).fetchone()
        return self._row_to_obj(row) if row else None

    def find(self, kind: str, name: str) -> ConfigObject | None:
        row = self._db.execute(
            "SELECT kind, uuid, name, serial_no, ctime, mtime, data FROM objects "
            "WHERE kind=? AND name=?",
            (kind, name),
        ).fetchone()
        return self._row_to_obj(row) if row else None

    def objects(self, kind: str) -> list[ConfigObject]:
        rows = self._db.execute(
            "SELECT kind, uuid, name, serial_no, ctime, mtime, data FROM objects "
            "WHERE kind=? ORDER BY name",
            (kind,),
        ).fetchall()
        return [self._row_to_obj(r) for r in rows]

    def count(self, kind: str) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM objects WHERE kind=?", (kind,)).fetchone()[0])

    def cluster_serial(self) -> int:
        return int(self.get_meta("cluster_serial", "0") or 0)

    def commit(self, changes: list[Put | Delete], bump_cluster: bool = False) -> list[ConfigObject]:
        now = time.time()
        stored: list[ConfigObject] = []
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                for change in changes:
                    if isinstance(change, Put):
                        stored.append(self._put(change.obj, now))
                    else:
                        self._db.execute(
                            "DELETE FROM objects WHERE kind=? AND uuid=?",
                            (change.kind, change.uuid),
                        )
                self._db.execute(
                    "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='cluster_serial'"
                )
                if bump_cluster:
                    self._db.execute(
                        "UPDATE objects SET serial_no = serial_no + 1, mtime=? WHERE kind='cluster'",
                        (now,),
                    )
                self._db.execute("COMMIT")
            except sqlite3.IntegrityError as exc:
                self._db.execute("ROLLBACK")
                raise ConfigError(f"duplicate name: {exc}") from exc
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        return stored

    def _put(self, obj: ConfigObject, now: float) -> ConfigObject:
        row = self._db.execute(
            "SELECT serial_no, ctime FROM objects WHERE kind=? AND uuid=?", (obj.kind, obj.uuid)
        ).fetchone()
        new = obj.copy()
        if row is None:
            if obj.serial_no not in (0, 1):
                raise ConfigError(f"{obj.kind} {obj.name} does not exist any more")
            new.serial_no, new.ctime, new.mtime = 1, now, now
            self._db.execute(
                "INSERT INTO objects VALUES (?, ?, ?, ?, ?, ?, ?)",
                (new.kind, new.uuid, new.name, 1, now, now, json.dumps(new.data, sort_keys=True)),
            )
        else:
            if row[0] != obj.serial_no:
                raise ConfigError(
                    f"Configuration object updated since it has been read: {row[0]} != {obj.serial_no}"
                )
            new.serial_no, new.ctime, new.mtime = row[0] + 1, row[1], now
            self._db.execute(
                "UPDATE objects SET name=?, serial_no=?, mtime=?, data=? WHERE kind=? AND uuid=?",
                (new.name, new.serial_no, now, json.dumps(new.data, sort_keys=True), new.kind, new.uuid),
            )
        return new

    # -- jobs ----------------------------------------------------------------

    def write_jobs(
        self,
        builders: list[Callable[[int], dict[str, Any]]],
        updates: list[tuple[int, str, dict[str, Any]]],
    ) -> list[int]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                ids: list[int] = []
                if builders:
                    first = int(
                        self._db.execute("SELECT value FROM meta WHERE key='job_serial'").fetchone()[0]
                    ) + 1
                    ids = list(range(first, first + len(builders)))
                    self._db.execute(
                        "UPDATE meta SET value=? WHERE key='job_serial'", (str(ids[-1]),)
                    )
                    self._db.executemany(
                        "INSERT INTO jobs (id, status, archived, data) VALUES (?, ?, 0, ?)",
                        [
                            (job_id, job["status"], json.dumps(job))
                            for job_id, job in ((i, build(i)) for i, build in zip(ids, builders, strict=True))
                        ],
                    )
                if updates:
                    self._db.executemany(
                        "UPDATE jobs SET status=?, data=? WHERE id=?",
                        [(status, json.dumps(data), job_id) for job_id, status, data in updates],
                    )
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        return ids

    def archive_jobs(self, job_ids: list[int]) -> int:
        with self._lock:
            cur = self._db.executemany(
                "UPDATE jobs SET archived=1 WHERE id=? AND archived=0 "
                "AND status IN ('success', 'error', 'canceled')",
                [(i,) for i in job_ids],
            )
            return int(cur.rowcount)

    def job_serial(self) -> int:
        return int(self.get_meta("job_serial", "0") or 0)

    def get_job(self, job_id: int) -> StoredJob | None:
        row = self._db.execute(
            "SELECT id, status, archived, data FROM jobs WHERE id=?", (job_id,)
        ).fetchone()
        return StoredJob(row[0], row[1], bool(row[2]), json.loads(row[3])) if row else None

    def list_jobs(self, include_archived: bool = False) -> list[StoredJob]:
        sql = "SELECT id, status, archived, data FROM jobs"
        if not include_archived:
            sql += " WHERE archived=0"
        rows = self._db.execute(sql + " ORDER BY id").fetchall()
        return [StoredJob(r[0], r[1], bool(r[2]), json.loads(r[3])) for r in rows]

    def unfinished_jobs(self) -> list[StoredJob]:
        rows = self._db.execute(
            "SELECT id, status, archived, data FROM jobs "
            "WHERE status IN ('queued', 'waiting', 'running', 'canceling') ORDER BY id"
        ).fetchall()
        return [StoredJob(r[0], r[1], bool(r[2]), json.loads(r[3])) for r in rows]

    # -- flags ---------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def close(self) -> None:
        self._db.close()
