"""What a command handler works with: its parsed arguments, the client and job submission."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from agent.errors import GanetiError, decode_error
from shell.client import ClusterClient, LogLine

PRIORITY = {"low": 10, "normal": 0, "high": -10}


@dataclass
class JobSubmitted(Exception):
    """Raised after ``--submit`` printed the job id: the command is done."""

    job_id: int


@dataclass
class Context:
    args: argparse.Namespace
    program: str
    command: str
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _client: ClusterClient | None = None

    @property
    def client(self) -> ClusterClient:
        if self._client is None:
            self._client = ClusterClient(getattr(self.args, "master", None))
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def print(self, *parts: Any) -> None:
        print(*parts, file=self.out)

    def confirm(self, question: str) -> bool:
        """Ask a yes/no question unless ``--force``; without a terminal the answer is no."""
        if getattr(self.args, "force", False):
            return True
        if not sys.stdin.isatty():
            print(f"{question} (use -f/--force to skip this question)", file=self.err)
            return False
        answer = input(f"{question}\ny/[n]/?: ").strip().lower()
        return answer in ("y", "yes")

    # -- jobs ------------------------------------------------------------------

    def prepare(self, op: dict[str, Any]) -> dict[str, Any]:
        """The opcode with this command's reason trail, priority, dry-run and debug level."""
        op = dict(op)
        now = time.time_ns()
        reason = []
        if getattr(self.args, "reason", None):
            reason.append(["gnt:user", self.args.reason, now])
        reason.append([f"gnt:client:{self.program}", self.command, now])
        op["reason"] = reason + list(op.get("reason", []))
        if getattr(self.args, "priority", None):
            op["priority"] = PRIORITY[self.args.priority]
        if getattr(self.args, "dry_run", False):
            op["dry_run"] = True
        if getattr(self.args, "debug", 0):
            op["debug_level"] = self.args.debug
        return op

    def submit(self, ops: list[dict[str, Any]], secrets: dict[int, dict[str, Any]] | None = None) -> list[Any]:
        """Submit one job; follow it and return its opcode results, or stop at ``--submit``."""
        job_id = self.client.submit_job([self.prepare(op) for op in ops], secrets)
        if getattr(self.args, "submit", False):
            print(f"JobID: {job_id}", file=self.err)
            raise JobSubmitted(job_id)
        if getattr(self.args, "print_jobid", False):
            self.print(job_id)
        return self.follow(job_id)

    def follow(self, job_id: int) -> list[Any]:
        job = self.client.wait_job(job_id, self.print_log)
        return job_results(job)

    def print_log(self, line: LogLine) -> None:
        self.print(f"{time.ctime(line.timestamp)} {line.message}")


def job_results(job: dict[str, Any]) -> list[Any]:
    """The opcode results of a successful job; a failed one raises its first error."""
    if job["status"] == "success":
        return list(job["opresult"])
    if job["status"] == "canceled":
        raise GanetiError("Job was canceled")
    for index, (status, result) in enumerate(zip(job["opstatus"], job["opresult"], strict=True)):
        if status == "error":
            err = decode_error(result)
            if isinstance(result, str) and index > 0:
                from agent.errors import OpExecError

                err = OpExecError(f"partial failure (opcode {index}): {result}")
            raise err
    raise GanetiError(f"Job {job['id']} ended with status {job['status']}")
