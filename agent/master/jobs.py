"""Jobs and their opcodes as Ganeti records them: statuses, results, logs, timestamps."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from agent.master.opcodes import summary


class OpStatus(StrEnum):
    """Opcode and job statuses, in Ganeti's total order."""

    QUEUED = "queued"
    WAITING = "waiting"
    CANCELING = "canceling"
    RUNNING = "running"
    CANCELED = "canceled"
    SUCCESS = "success"
    ERROR = "error"

    @property
    def finalised(self) -> bool:
        return self in (OpStatus.CANCELED, OpStatus.SUCCESS, OpStatus.ERROR)


Timestamp = list[int]


def now_ts() -> Timestamp:
    t = time.time()
    return [int(t), int((t - int(t)) * 1_000_000)]


def now_ns() -> int:
    return time.time_ns()


@dataclass
class QueuedOpCode:
    input: dict[str, Any]
    status: OpStatus = OpStatus.QUEUED
    result: Any = None
    log: list[list[Any]] = field(default_factory=list)
    priority: int = 0
    start_timestamp: Timestamp | None = None
    exec_timestamp: Timestamp | None = None
    end_timestamp: Timestamp | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "status": str(self.status),
            "result": self.result,
            "log": self.log,
            "priority": self.priority,
            "start_timestamp": self.start_timestamp,
            "exec_timestamp": self.exec_timestamp,
            "end_timestamp": self.end_timestamp,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QueuedOpCode:
        return cls(
            data["input"], OpStatus(data["status"]), data.get("result"), data.get("log", []),
            data.get("priority", 0), data.get("start_timestamp"), data.get("exec_timestamp"),
            data.get("end_timestamp"),
        )


@dataclass
class Job:
    id: int
    ops: list[QueuedOpCode]
    received_timestamp: Timestamp | None = None
    start_timestamp: Timestamp | None = None
    end_timestamp: Timestamp | None = None
    log_serial: int = 0
    archived: bool = False

    @property
    def status(self) -> OpStatus:
        status = OpStatus.QUEUED
        all_success = True
        for op in self.ops:
            if op.status in (OpStatus.ERROR, OpStatus.CANCELING, OpStatus.CANCELED):
                return op.status
            if op.status in (OpStatus.WAITING, OpStatus.RUNNING):
                status = op.status
            if op.status != OpStatus.SUCCESS:
                all_success = False
        return OpStatus.SUCCESS if all_success else status

    @property
    def priority(self) -> int:
        pending = [op.priority for op in self.ops if not op.status.finalised]
        return min(pending) if pending else 0

    def add_log(self, op_index: int, message: Any, log_type: str = "message") -> list[Any]:
        self.log_serial += 1
        entry = [self.log_serial, now_ts(), log_type, message]
        self.ops[op_index].log.append(entry)
        return entry

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ops": [op.to_dict() for op in self.ops],
            "received_timestamp": self.received_timestamp,
            "start_timestamp": self.start_timestamp,
            "end_timestamp": self.end_timestamp,
            "log_serial": self.log_serial,
            "status": str(self.status),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], archived: bool = False) -> Job:
        return cls(
            data["id"], [QueuedOpCode.from_dict(o) for o in data["ops"]],
            data.get("received_timestamp"), data.get("start_timestamp"),
            data.get("end_timestamp"), data.get("log_serial", 0), archived,
        )

    def query(self) -> dict[str, Any]:
        """The job in Ganeti's query fields (``gnt-job list -o``/``info``)."""
        return {
            "id": self.id,
            "status": str(self.status),
            "priority": self.priority,
            "archived": self.archived,
            "ops": [op.input for op in self.ops],
            "opresult": [op.result for op in self.ops],
            "opstatus": [str(op.status) for op in self.ops],
            "oplog": [op.log for op in self.ops],
            "opstart": [op.start_timestamp for op in self.ops],
            "opexec": [op.exec_timestamp for op in self.ops],
            "opend": [op.end_timestamp for op in self.ops],
            "oppriority": [op.priority for op in self.ops],
            "summary": [summary(op.input) for op in self.ops],
            "received_ts": self.received_timestamp,
            "start_ts": self.start_timestamp,
            "end_ts": self.end_timestamp,
        }
