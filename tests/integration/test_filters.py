"""Job filter rules against a real master, typed exactly as an operator would (spec §5.10)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from shell.client import ClusterClient
from shell.demo import Demo
from tests.integration.conftest import cli, running_cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    yield from running_cluster(tmp_path_factory, "filters", nodes=1, populate=False)


@pytest.fixture
def client(cluster: Demo) -> Iterator[ClusterClient]:
    with ClusterClient(cluster.master_address, timeout=60) as c:
        yield c
        for rule in c.query_filters():
            c.delete_filter(rule["uuid"])


def sh(cluster: Demo, line: str) -> tuple[int, str, str]:
    """Run one command line as typed in a shell (quotes included)."""
    import shlex

    words = shlex.split(line)
    result = cli(cluster, words[0], *words[1:])
    return result.returncode, result.stdout, result.stderr


def submit_delay(cluster: Demo, extra: str = "") -> int:
    code, out, err = sh(cluster, f"gnt-debug delay --no-master --submit {extra} 0.2")
    assert code == 0, err
    return int(err.strip().removeprefix("JobID: "))


def status(client: ClusterClient, job_id: int) -> str:
    return str(client.get_job(job_id)["status"])


def wait_for(predicate, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_recipe_soft_drain_holds_new_jobs_until_the_rule_goes(cluster: Demo, client: ClusterClient) -> None:
    code, out, err = sh(cluster, """gnt-filter add '--predicates=[["jobid", [">", "id", "watermark"]]]' --action=PAUSE --reason="soft drain\"""")
    assert code == 0, err
    uuid = out.strip()
    held = submit_delay(cluster)
    time.sleep(0.5)
    assert status(client, held) == "queued"
    listed = sh(cluster, "gnt-filter list --no-headers")[1]
    assert uuid in listed and "PAUSE" in listed and "soft drain" in listed
    assert sh(cluster, f"gnt-filter delete {uuid}")[0] == 0
    wait_for(lambda: status(client, held) == "success")


def test_recipe_replace_moves_the_watermark_and_releases_held_jobs(cluster: Demo, client: ClusterClient) -> None:
    uuid = sh(cluster, """gnt-filter add '--predicates=[["jobid", [">", "id", "watermark"]]]' --action=PAUSE""")[1].strip()
    held = submit_delay(cluster)
    time.sleep(0.3)
    assert status(client, held) == "queued"
    code, out, _ = sh(cluster, f"""gnt-filter replace '--predicates=[["jobid", [">", "id", "watermark"]]]' --action=PAUSE {uuid}""")
    assert code == 0 and out.strip() == uuid
    wait_for(lambda: status(client, held) == "success")
    (rule,) = client.query_filters([uuid])
    assert rule["watermark"] >= held


def test_recipe_accept_one_maintenance_reject_the_rest(cluster: Demo, client: ClusterClient) -> None:
    assert sh(cluster, """gnt-filter add --priority=0 '--predicates=[["reason", ["=~", "reason", "maint pink bunny"]]]' --action=ACCEPT""")[0] == 0
    assert sh(cluster, """gnt-filter add --priority=1 '--predicates=[["jobid", [">", "id", "watermark"]]]' --action=REJECT""")[0] == 0
    maint = submit_delay(cluster, '--reason "maint pink bunny"')
    other = submit_delay(cluster)
    wait_for(lambda: status(client, maint) == "success")
    wait_for(lambda: status(client, other) == "canceled")
    job = client.get_job(other)
    assert job["opresult"] == [None] and job["oplog"] == [[]]
    code, _, err = sh(cluster, "gnt-debug delay --no-master 0.1")
    assert code == 1 and err.strip() == "Unhandled Ganeti error: Job was canceled"


def test_recipe_rate_limit_keeps_ten_running(cluster: Demo, client: ClusterClient) -> None:
    code, _, err = sh(cluster, """gnt-filter add --priority=99 '--predicates=[["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]]]' '--action=RATE_LIMIT 10'""")
    assert code == 0, err
    ids = [client.submit_job([{"OP_ID": "OP_TEST_DELAY", "duration": 1.0, "on_master": False}]) for _ in range(25)]
    most = 0
    while True:
        jobs, _ = client.get_jobs(ids)
        statuses = [j["status"] for j in jobs]
        running = sum(1 for s in statuses if s in ("waiting", "running"))
        most = max(most, running)
        assert running <= 10
        if all(s == "success" for s in statuses):
            break
        time.sleep(0.05)
    assert most == 10


def test_rules_survive_a_master_restart(cluster: Demo, client: ClusterClient) -> None:
    from tests.integration.conftest import kill_node

    uuid = client.replace_filter(None, 5, [["opcode", ["=", "OP_ID", "OP_NODE_ADD"]]], "REJECT")
    kill_node(cluster, 0)
    cluster.start_node(0, wait=True)
    with ClusterClient(cluster.master_address) as fresh:
        (rule,) = fresh.query_filters([uuid])
        assert rule["action"] == "REJECT" and rule["priority"] == 5


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("--action=accept", 'malformed FilterAction JSON: "accept"'),
        ("'--action=RATE_LIMIT 0'", "RATE_LIMIT argument must be a positive integer"),
        ("--priority=-1", "Invalid value for non-negative type '-1'"),
        ("""'--predicates=[["color", ["=", "id", 1]]]'""", "malformed FilterPredicate"),
        ("""'--predicates=[["opcode", ["=~", "OP_ID", "("]]]'""", ""),
        ("""'--predicates=[["opcode", ["~~", "OP_ID", 1]]]'""", "Unknown filter operand '~~'"),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_stored(cluster: Demo, client: ClusterClient, options: str, message: str) -> None:
    code, out, err = sh(cluster, f"gnt-filter add {options}")
    assert code == 1
    assert message in err and "Traceback" not in err
    assert client.query_filters() == []


def test_unknown_uuid_on_delete_and_bad_uuid_on_replace(cluster: Demo) -> None:
    code, _, err = sh(cluster, "gnt-filter delete 0b4e6c1a-3f7d-4e21-9a55-6c2b8d1e0f93")
    assert code == 1
    assert err.strip() == "Unhandled Ganeti error: Filter rule with UUID 0b4e6c1a-3f7d-4e21-9a55-6c2b8d1e0f93 does not exist"
    code, _, err = sh(cluster, "gnt-filter replace --action=PAUSE NOT-A-UUID")
    assert code == 1 and err.strip() == "Unhandled Ganeti error: Unable to parse UUID"


def test_rule_from_a_json_document_on_stdin(cluster: Demo, client: ClusterClient) -> None:
    result = cli(cluster, "gnt-filter", "add", "--file", "-",
                 input='{"priority": 3, "predicates": [["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]]], "action": "PAUSE"}')
    assert result.returncode == 0, result.stderr
    (rule,) = client.query_filters([result.stdout.strip()])
    assert rule["priority"] == 3 and rule["action"] == "PAUSE"
    assert rule["predicates"] == [["opcode", ["==", "OP_ID", "OP_TEST_DELAY"]]]


def test_dry_run_tells_what_a_rule_would_do(cluster: Demo, client: ClusterClient) -> None:
    assert cli(cluster, "gnt-cluster", "modify", "--max-running-jobs", "1").returncode == 0
    try:
        blocker = client.submit_job([{"OP_ID": "OP_TEST_DELAY", "duration": 5, "on_master": False}])
        queued = client.submit_job([{"OP_ID": "OP_TEST_DELAY", "duration": 0.01, "on_master": False}])
        wait_for(lambda: status(client, blocker) == "running")
        matches, _ = client.filter_dry_run(None, 0, [["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]]], "REJECT")
        effects = {m["job_id"]: m["effect"] for m in matches}
        assert effects[queued] == "reject"
        assert effects[blocker].startswith("none")
        assert client.query_filters() == []
        assert status(client, queued) == "queued"
        client.cancel_job(blocker, kill=True)
        wait_for(lambda: status(client, queued) == "success")
    finally:
        cli(cluster, "gnt-cluster", "modify", "--max-running-jobs", "20")
