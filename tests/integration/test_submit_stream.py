"""Bulk submission: over one stream and in one SubmitManyJobs call (also `gnt-debug submit-job`), every job
acknowledged in order once committed, bad ones refused alone."""

from __future__ import annotations

import json
from pathlib import Path

from agent.errors import GanetiError, OpCodeError
from shell.client import ClusterClient
from shell.demo import Demo
from tests.integration.conftest import cli

DELAY = {"OP_ID": "OP_TEST_DELAY", "duration": 0.001, "on_master": False}


def test_stream_acknowledges_every_job_in_order_and_refuses_only_the_bad_one(client: ClusterClient) -> None:
    jobs: list[list[dict[str, object]]] = [[DELAY] for _ in range(120)]
    jobs[57] = [{"OP_ID": "OP_NO_SUCH_THING"}]
    replies = list(client.submit_job_stream(jobs, window=16))

    assert len(replies) == 120
    assert isinstance(replies[57], GanetiError) and "OP_NO_SUCH_THING" in str(replies[57])
    ids = [r for r in replies if isinstance(r, int)]
    assert len(ids) == 119 and ids == sorted(ids) and len(set(ids)) == 119
    found, missing = client.get_jobs(ids)
    assert not missing and len(found) == 119  # each id came back only after its job was stored
    final = client.wait_job(ids[-1])
    assert final["status"] == "success"


def test_stream_of_nothing_ends_at_once(client: ClusterClient) -> None:
    assert list(client.submit_job_stream([])) == []


def test_a_second_client_sees_the_jobs_a_stream_submitted(cluster: Demo, client: ClusterClient) -> None:
    (job_id,) = client.submit_job_stream([[DELAY]])
    assert isinstance(job_id, int)
    with ClusterClient(cluster.master_address) as other:
        found, missing = other.get_jobs([job_id])
    assert not missing and found[0]["id"] == job_id
    assert not isinstance(job_id, OpCodeError)


def test_submit_many_commits_a_call_together_and_refuses_only_the_bad_jobs(client: ClusterClient) -> None:
    jobs: list[list[dict[str, object]]] = [[DELAY] for _ in range(50)]
    jobs[3] = [{"OP_ID": "OP_NO_SUCH_THING"}]
    jobs[40] = [{**DELAY, "duration": "soon"}]
    results = client.submit_many_jobs(jobs)

    assert len(results) == 50
    assert isinstance(results[3], OpCodeError) and "OP_NO_SUCH_THING" in str(results[3])
    assert isinstance(results[40], GanetiError) and "duration" in str(results[40])
    ids = [r for r in results if isinstance(r, int)]
    assert ids == list(range(ids[0], ids[0] + 48))  # consecutive, in submission order
    found, missing = client.get_jobs(ids)
    assert not missing and [j["id"] for j in found] == ids
    assert client.wait_job(ids[-1])["status"] == "success"
    assert client.submit_many_jobs([]) == []


def test_submit_many_to_a_drained_queue_is_refused_whole(cluster: Demo, client: ClusterClient) -> None:
    client.set_drain_flag(True)
    try:
        try:
            client.submit_many_jobs([[DELAY], [DELAY]])
        except GanetiError as exc:
            assert str(exc) == "Queue drained"
        else:
            raise AssertionError("a drained queue accepted jobs")
    finally:
        client.set_drain_flag(False)


def test_gnt_debug_submit_job_as_an_operator_types_it(cluster: Demo, tmp_path: Path) -> None:
    ops = tmp_path / "delay.json"
    ops.write_text(json.dumps([DELAY]))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"OP_ID": "OP_TEST_DELAY", "duration": "soon"}]))

    done = cli(cluster, "gnt-debug", "submit-job", "--job-repeat", "3", "--op-repeat", "2",
               "--timing-stats", "-v", "--reason", "queue test", str(ops), str(bad))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:3] == ["Loading...", "Submitting...", "Executing..."]
    submitted = [int(i) for i in lines[3].removeprefix("Submitted jobs ").split(", ")]
    assert len(submitted) == 3 and submitted == list(range(submitted[0], submitted[0] + 3))
    assert [ln for ln in lines if ln.startswith("Waiting for job")] == [
        f"Waiting for job {job_id} for file {ops}/{n} ..." for n, job_id in enumerate(submitted)]
    assert lines[-5:-3] == ["C:op       12", "C:job       6"]
    assert [ln.split()[0] for ln in lines[-3:]] == ["T:submit", "T:exec", "T:total"]
    refused = [ln for ln in done.stderr.splitlines() if ln.startswith("Failed to submit job for")]
    assert len(refused) == 3 and all(f"file {bad}/" in ln and "duration" in ln for ln in refused)
    with ClusterClient(cluster.master_address) as c:
        found, _ = c.get_jobs(submitted)
    assert all(j["status"] == "success" and len(j["ops"]) == 2 for j in found)
    assert all(["gnt:user", "queue test"] == r[:2] for j in found for r in j["ops"][0]["reason"][:1])

    each = cli(cluster, "gnt-debug", "submit-job", "--each", str(ops))
    assert each.returncode == 0 and each.stdout.startswith("Waiting for job ")

    for argv, message in (
        (["--job-repeat", "0", str(ops)], "--job-repeat must be at least 1, got 0"),
        ([str(tmp_path / "missing.json")], "Cannot read opcode file"),
        ([str(tmp_path)], "Cannot read opcode file"),
    ):
        wrong = cli(cluster, "gnt-debug", "submit-job", *argv)
        assert wrong.returncode == 2 and message in wrong.stderr, wrong.stderr
    (tmp_path / "notops.json").write_text('{"OP_ID": "OP_TEST_DELAY"}')
    wrong = cli(cluster, "gnt-debug", "submit-job", str(tmp_path / "notops.json"))
    assert wrong.returncode == 2 and "must hold a JSON list of opcodes" in wrong.stderr


def test_a_queue_larger_than_grpcs_default_message_limit_is_listed_whole(client: ClusterClient) -> None:
    reason = [["test:bulk", "ticket " + "x" * 2000, 0]]
    jobs: list[list[dict[str, object]]] = [[{**DELAY, "reason": reason}] for _ in range(500)]
    ids = [r for _ in range(5) for r in client.submit_many_jobs(jobs) if isinstance(r, int)]
    assert len(ids) == 2500

    everything, _ = client.get_jobs()
    assert len(json.dumps(everything)) > 4 * 1024 * 1024
    assert set(ids) <= {j["id"] for j in everything}
    assert client.wait_job(ids[-1])["status"] == "success"
