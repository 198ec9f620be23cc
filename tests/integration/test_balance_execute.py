"""Balancing a live cluster for real: ExecuteBalance and hbal -X move instances between agents."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from agent.errors import OpPrereqError
from shell.client import ClusterClient
from shell.demo import Demo
from tests.integration.conftest import cli, mirrored_client, running_cluster
from tests.integration.conftest import create_instance as create


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    yield from running_cluster(tmp_path_factory, "balance", nodes=4)


@pytest.fixture(scope="module")
def client(cluster: Demo) -> Iterator[ClusterClient]:
    yield from mirrored_client(cluster)



def primaries(client: ClusterClient) -> dict[str, str]:
    return {i["name"]: i["pnode"] for i in client.query("instance")}


def test_execute_is_refused_when_the_configuration_changed(client: ClusterClient) -> None:
    for i in range(4):
        create(client, f"crowd{i}.demo", "diskless", "node1.demo")
    create(client, "pair0.demo", "drbd", "node1.demo", "node2.demo", memory=1024)
    preview, serial = client.balance_preview()
    assert preview["moves"], preview
    create(client, "latecomer.demo", "diskless", "node1.demo", memory=512)
    with pytest.raises(OpPrereqError) as refused:
        client.execute_balance(serial)
    now = client.balance_preview()[1]
    assert refused.value.message == (
        f"cluster configuration changed since the preview (serial {serial}, now {now})"
    )
    assert primaries(client)["crowd0.demo"] == "node1.demo"


def test_execute_runs_the_previewed_moves_and_reaches_the_previewed_score(client: ClusterClient) -> None:
    preview, serial = client.balance_preview()
    assert preview["moves"] and preview["final_score"] < preview["initial_score"]
    job_ids = client.execute_balance(serial)
    assert len(job_ids) == len(preview["moves"])
    jobs = [client.wait_job(j) for j in job_ids]
    assert [j["status"] for j in jobs] == ["success"] * len(jobs), [j["opresult"] for j in jobs]
    ops = [op for j in jobs for op in j["ops"]]
    assert all(op["comment"].startswith("rebalancing via hbal") for op in ops)
    assert all(op["reason"][0][0] == "hbal" for op in ops)
    placed = primaries(client)
    for move in preview["moves"]:
        assert placed[move["instance"]] == move["new_pnode"], move
    after, _ = client.balance_preview()
    assert after["initial_score"] == pytest.approx(preview["final_score"], abs=1e-9)
    assert after["initial_score"] < preview["initial_score"]


def test_later_jobsets_depend_on_the_earlier_ones(client: ClusterClient) -> None:
    for i in range(3):
        create(client, f"wave{i}.demo", "diskless", "node3.demo", memory=3072)
    preview, serial = client.balance_preview()
    job_ids = client.execute_balance(serial)
    jobs = [client.wait_job(j) for j in job_ids]
    assert [j["status"] for j in jobs] == ["success"] * len(jobs)
    waited = [dep[0] for j in jobs for dep in (j["ops"][0].get("depends") or [])]
    assert all(dep in job_ids for dep in waited)


def test_execute_with_nothing_to_do_submits_nothing(client: ClusterClient) -> None:
    preview, serial = client.balance_preview()
    if preview["moves"]:
        for j in client.execute_balance(serial):
            client.wait_job(j)
        preview, serial = client.balance_preview()
    assert preview["moves"] == []
    assert client.execute_balance(serial) == []


def test_hbal_executes_its_plan_on_the_live_cluster(client: ClusterClient, cluster: Demo) -> None:
    for i in range(3):
        create(client, f"burst{i}.demo", "diskless", "node4.demo", memory=3072)
    create(client, "pair1.demo", "drbd", "node4.demo", "node2.demo", memory=2048)
    result = cli(cluster, "hbal", "-L", "-X")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Got job IDs " in result.stdout
    promised = float(re.search(r"Cluster score improved from [\d.]+ to ([\d.]+)", result.stdout).group(1))
    after, _ = client.balance_preview()
    assert after["initial_score"] == pytest.approx(promised, abs=1e-8)



def test_hbal_stops_and_fails_when_a_jobset_fails(client: ClusterClient, cluster: Demo) -> None:
    for i in range(3):
        create(client, f"stuck{i}.demo", "diskless", "node2.demo", memory=3072)
    before = primaries(client)
    rule = client.replace_filter(None, 0, [["opcode", ["=", "OP_ID", "OP_INSTANCE_MIGRATE"]]], "REJECT")
    try:
        result = cli(cluster, "hbal", "-L", "-X")
    finally:
        client.delete_filter(rule)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Got job IDs " in result.stdout
    assert "Error: hbal: Not all jobs completed successfully: [(" in result.stderr
    assert result.stderr.rstrip().endswith("Aborting.")
    assert result.stdout.count("Got job IDs ") == 1  # later jobsets are not submitted
    assert primaries(client) == before
