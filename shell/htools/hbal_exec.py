"""hbal -X: execute the plan on the live cluster, jobset after jobset, as Ganeti's hbal does.

The jobs of one jobset are submitted together and run in parallel (their
nodes are disjoint); the next jobset is submitted only when every job of the
previous one succeeded. SIGINT stops after the current jobset, SIGTERM at
once with exit status 2. grpc is imported only when jobs are executed.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Sequence
from types import FrameType
from typing import TYPE_CHECKING

from agent.htools import BalanceStep, ClusterData
from agent.master.balance_exec import Job, step_jobsets

from .common import fatal, out

if TYPE_CHECKING:
    from shell.client import ClusterClient

PRIORITIES = {"low": 10, "normal": 0, "high": -10}


class _Cancel:
    def __init__(self) -> None:
        self.requested = False

    def on_int(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        out("Cancel request registered, will exit at the end of the current job set...")
        sys.stdout.flush()

    @staticmethod
    def on_term(signum: int, frame: FrameType | None) -> None:
        out("Double cancel request, exiting now...")
        sys.stdout.flush()
        os._exit(2)


def execute(address: str | None, steps: Sequence[BalanceStep], data: ClusterData, first_only: bool,
            reason: str | None, priority: str | None) -> None:
    """Submit and follow the jobs of the plan; a failed jobset ends hbal with an error."""
    jobsets, names = step_jobsets(list(steps), data, reason, time.time_ns())
    if first_only:
        jobsets, names = jobsets[:1], names[:1]
    if priority is not None:
        jobsets = [[[{**op, "priority": PRIORITIES[priority]} for op in job] for job in js] for js in jobsets]
    from agent.errors import GanetiError
    from shell.client import ClusterClient

    cancel = _Cancel()
    previous = (signal.signal(signal.SIGINT, cancel.on_int), signal.signal(signal.SIGTERM, cancel.on_term))
    try:
        with ClusterClient(address or None) as client:
            _run(client, jobsets, names, cancel)
    except GanetiError as exc:
        raise fatal("hbal: " + exc.message.replace("\n", " ")) from None
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])


def _run(client: ClusterClient, jobsets: list[list[Job]], names: list[list[str]], cancel: _Cancel) -> None:
    submitted: list[tuple[str, list[tuple[int, str]]]] = []
    for number, (jobset, instances) in enumerate(zip(jobsets, names, strict=True)):
        if cancel.requested:
            out("Exiting early due to user request, ")
            out(f"{len(submitted)}jobset(s) submitted: ")
            out(repr(submitted))
            rest = [(f"Executing jobset for instances {', '.join(n)}", len(js))
                    for js, n in zip(jobsets[number:], names[number:], strict=True)]
            out(f"{len(rest)} jobset(s) not submitted:")
            out(repr(rest))
            return
        ids = [client.submit_job(job) for job in jobset]
        out("Got job IDs " + ", ".join(map(str, ids)))
        sys.stdout.flush()
        statuses = [(job_id, str(client.wait_job(job_id)["status"])) for job_id in ids]
        failures = [(job_id, status) for job_id, status in statuses if status != "success"]
        if failures:
            shown = ", ".join(f"({job_id}, {status})" for job_id, status in failures)
            raise fatal(f"hbal: Not all jobs completed successfully: [{shown}]\nAborting.")
        submitted.append((f"Executing jobset for instances {', '.join(instances)}", statuses))
