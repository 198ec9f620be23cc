"""Bulk submission over one stream: every job acknowledged in order once committed, bad ones refused alone."""

from __future__ import annotations

from agent.errors import GanetiError, OpCodeError
from shell.client import ClusterClient
from shell.demo import Demo

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
