"""The job queue against a real master: cancel, priorities, dependencies, archive, drain,
locks, the reason trail, the change feed, and a master crash with hundreds of jobs in flight."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from shell.client import ClusterClient
from shell.demo import Demo
from tests.integration.conftest import cli, kill_node, running_cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    yield from running_cluster(tmp_path_factory, "queue", nodes=2, populate=False)


@pytest.fixture
def client(cluster: Demo) -> Iterator[ClusterClient]:
    with ClusterClient(cluster.master_address, timeout=60) as c:
        yield c


def delay(duration: float, on_master: bool = True, **extra: object) -> dict[str, object]:
    return {"OP_ID": "OP_TEST_DELAY", "duration": duration, "on_master": on_master, **extra}


def wait_status(client: ClusterClient, job_id: int, *statuses: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get_job(job_id)
        if job["status"] in statuses:
            return job
        assert time.monotonic() < deadline, f"job {job_id} is {job['status']}, not {statuses}"
        time.sleep(0.02)


def test_cancel_a_job_waiting_for_a_lock(client: ClusterClient) -> None:
    holder = client.submit_job([delay(30)])
    wait_status(client, holder, "running")
    waiter = client.submit_job([delay(1)])
    wait_status(client, waiter, "waiting")
    assert client.cancel_job(waiter) == (True, "Job successfully cancelled")
    job = client.get_job(waiter)
    assert job["status"] == "canceled" and job["opresult"] == ["Job canceled by request"]
    assert client.cancel_job(holder) == (False, "Job no longer waiting, can't cancel (informed it anyway)")
    assert client.cancel_job(holder, kill=True) == (True, "SIGKILL send to the process")
    assert client.get_job(holder)["opresult"] == [f"detected death of job {holder}"]
    assert client.cancel_job(holder) == (False, f"Job {holder} not found in queue")


def test_cancel_and_reprioritise_a_queued_job(cluster: Demo, client: ClusterClient) -> None:
    assert cli(cluster, "gnt-cluster", "modify", "--max-running-jobs", "1").returncode == 0
    try:
        blocker = client.submit_job([delay(30, on_master=False)])
        wait_status(client, blocker, "running")
        queued = client.submit_job([delay(0.01, on_master=False)])
        time.sleep(0.2)
        assert client.get_job(queued)["status"] == "queued"
        changed = cli(cluster, "gnt-job", "change-priority", "--priority", "high", str(queued))
        assert changed.stdout.strip() == f"Priorities of pending opcodes for job {queued} have been changed to -10"
        assert client.get_job(queued)["priority"] == -10
        canceled = cli(cluster, "gnt-job", "cancel", str(queued))
        assert canceled.returncode == 0 and canceled.stdout.strip() == f"Dequeued job {queued}"
        job = client.get_job(queued)
        assert job["status"] == "canceled" and job["opresult"] == [None]
        client.cancel_job(blocker, kill=True)
    finally:
        assert cli(cluster, "gnt-cluster", "modify", "--max-running-jobs", "20").returncode == 0


def test_waiting_lock_requests_are_served_by_priority(client: ClusterClient) -> None:
    holder = client.submit_job([delay(1.0)])
    wait_status(client, holder, "running")
    low = client.submit_job([delay(0.2, priority=10)])
    wait_status(client, low, "waiting")
    high = client.submit_job([delay(0.2, priority=-10)])
    wait_status(client, high, "waiting")
    for job_id in (holder, low, high):
        wait_status(client, job_id, "success")
    assert client.get_job(high)["opexec"][0] < client.get_job(low)["opexec"][0]


def test_dependencies_check_the_final_status(client: ClusterClient) -> None:
    failing = client.submit_job([delay(0)])
    dependent = client.submit_job([delay(0.01, on_master=False, depends=[[failing, ["success"]]])])
    anyway = client.submit_job([delay(0.01, on_master=False, depends=[[-2, []]])])
    job = wait_status(client, dependent, "error")
    assert job["opresult"] == [["OpExecError", [
        f"Dependency job {failing} finished with status 'error', not one of 'success' as required"
    ]]]
    assert wait_status(client, anyway, "success")["ops"][0]["depends"] == [[failing, []]]


def test_drain_refuses_new_jobs(cluster: Demo) -> None:
    assert cli(cluster, "gnt-cluster", "queue", "drain").returncode == 0
    try:
        assert cli(cluster, "gnt-cluster", "queue", "info").stdout.strip() == "The drain flag is set"
        refused = cli(cluster, "gnt-debug", "delay", "0.01")
        assert refused.returncode == 1
        assert refused.stderr.strip() == "Unhandled Ganeti error: Queue drained"
    finally:
        assert cli(cluster, "gnt-cluster", "queue", "undrain").returncode == 0
    assert cli(cluster, "gnt-cluster", "queue", "info").stdout.strip() == "The drain flag is unset"
    bad = cli(cluster, "gnt-cluster", "queue", "flood")
    assert bad.returncode == 1 and "Command 'flood' is not valid." in bad.stderr


def test_archive_and_autoarchive(cluster: Demo, client: ClusterClient) -> None:
    job_id = client.submit_job([delay(0.01, on_master=False)])
    client.wait_job(job_id)
    assert cli(cluster, "gnt-job", "archive", str(job_id)).returncode == 0
    listed = cli(cluster, "gnt-job", "list", "--no-headers", "-o", "id")
    assert str(job_id) not in listed.stdout.split()
    archived = cli(cluster, "gnt-job", "list", "--archived", "--no-headers", "--separator=|", "-o", "id,archived")
    assert f"{job_id}|Y" in archived.stdout.splitlines()
    assert f"- Job ID: {job_id}" in cli(cluster, "gnt-job", "info", str(job_id)).stdout
    again = cli(cluster, "gnt-job", "archive", str(job_id))
    assert again.returncode == 1 and f"Failed to archive job with ID '{job_id}'" in again.stderr
    client.wait_job(client.submit_job([delay(0.01, on_master=False)]))
    result = cli(cluster, "gnt-job", "autoarchive", "all")
    assert result.returncode == 0 and result.stdout.startswith("Archived ")
    assert int(result.stdout.split()[1]) >= 1
    assert cli(cluster, "gnt-job", "list", "--no-headers", "--finished").stdout.strip() == ""
    bad = cli(cluster, "gnt-job", "autoarchive", "3x")
    assert bad.returncode == 1 and "Invalid time specification '3x'" in bad.stderr


def test_debug_locks_shows_owner_and_waiter(cluster: Demo, client: ClusterClient) -> None:
    holder = client.submit_job([delay(2)])
    wait_status(client, holder, "running")
    waiter = client.submit_job([delay(0.01)])
    wait_status(client, waiter, "waiting")
    shown = cli(cluster, "gnt-debug", "locks", "--no-headers", "--separator=|")
    rows = [line.split("|") for line in shown.stdout.splitlines()]
    node_rows = [r for r in rows if r[0].startswith("node/")]
    assert ["exclusive", str(holder), f"exclusive:{waiter}"] in [r[1:] for r in node_rows]
    client.wait_job(waiter)


def test_reason_trail_has_every_layer(cluster: Demo, client: ClusterClient) -> None:
    result = cli(cluster, "gnt-debug", "delay", "--no-master", "--reason", "maint 42", "--print-jobid", "0.01")
    job_id = int(result.stdout.splitlines()[0])
    trail = client.get_job(job_id)["ops"][0]["reason"]
    assert [entry[:2] for entry in trail] == [
        ["gnt:user", "maint 42"],
        ["gnt:client:gnt-debug", "delay"],
        ["gnt:opcode:test_delay", f"job={job_id};index=0"],
    ]
    assert all(isinstance(entry[2], int) and entry[2] > 10**18 for entry in trail)


def test_change_feed_streams_every_status_and_resumes(client: ClusterClient) -> None:
    seen: list = []
    done = threading.Event()

    def follow() -> None:
        with ClusterClient(client.address) as watcher:
            for update in watcher.watch_queue():
                seen.append(update)
                if update.job_id == target[0] and update.status == "success":
                    done.set()
                    return

    target: list[int] = [0]
    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    time.sleep(0.3)
    target[0] = client.submit_job([delay(0.05, on_master=False)])
    assert done.wait(20)
    mine = [u for u in seen if u.job_id == target[0] and not u.snapshot]
    assert [u.status for u in mine] == ["queued", "waiting", "running", "success"]
    seqs = [u.seq for u in mine]
    assert seqs == sorted(seqs)
    epoch = mine[0].epoch
    resumed = []
    for update in client.watch_queue(after_seq=mine[0].seq, epoch=epoch):
        resumed.append(update)
        if update.seq >= mine[-1].seq:
            break
    assert not any(u.snapshot for u in resumed)
    assert [u.status for u in resumed if u.job_id == target[0]] == ["waiting", "running", "success"]


def test_master_crash_with_hundreds_of_jobs_in_flight_loses_none(cluster: Demo, client: ClusterClient) -> None:
    ids = [client.submit_job([delay(0.3, on_master=False)]) for _ in range(300)]
    wait_status(client, ids[0], "running", "success")
    kill_node(cluster, 0)
    cluster.start_node(0, wait=True)
    with ClusterClient(cluster.master_address, timeout=60) as fresh:
        deadline = time.monotonic() + 120
        while True:
            jobs, missing = fresh.get_jobs(ids)
            statuses = [j["status"] for j in jobs]
            if all(s in ("success", "error") for s in statuses):
                break
            assert time.monotonic() < deadline, statuses
            time.sleep(0.5)
    assert missing == [] and len(jobs) == 300
    dead = [j for j in jobs if j["status"] == "error"]
    assert all(j["opresult"] == [f"detected death of job {j['id']}"] for j in dead)
    assert len(dead) <= 20  # only the jobs that were running when the master died
    assert sum(1 for s in statuses if s == "success") == 300 - len(dead)


def test_the_queue_stream_sends_a_snapshot_as_one_message(client: ClusterClient) -> None:
    queued = client.submit_job([delay(0.01, on_master=False)])
    with ClusterClient(client.address) as watcher:
        stream = watcher.watch_queue_batches()
        snapshot = next(stream)
        stream.close()
    assert snapshot and all(u.snapshot for u in snapshot)
    assert [u.snapshot_end for u in snapshot] == [False] * (len(snapshot) - 1) + [True]
    assert len({u.seq for u in snapshot}) == 1
    client.wait_job(queued)
