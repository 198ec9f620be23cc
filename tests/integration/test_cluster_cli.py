"""An operator's session against a real 3-node cluster, through the gnt-* commands."""

from __future__ import annotations

import json
import stat

from shell.demo import Demo
from tests.integration.conftest import cli


def test_instance_add_runs_the_instance_on_the_named_node(cluster: Demo) -> None:
    added = cli(cluster, "gnt-instance", "add", "-t", "file", "-s", "1G", "-B", "memory=512",
                "-n", "node2.demo", "-o", "noop", "app1.demo")
    assert added.returncode == 0, added.stderr
    assert "Starting instance app1.demo on node node2.demo" in added.stdout
    listed = cli(cluster, "gnt-instance", "list", "--no-headers", "-o", "name,pnode,status,oper_ram",
                 "--separator=|", "app1.demo")
    assert listed.stdout.strip() == "app1.demo|node2.demo|running|512"


def test_ganeti_shell_spelling_is_the_same_command(cluster: Demo) -> None:
    added = cli(cluster, "ganeti-shell", "instance", "add", "-t", "file", "-s", "512M", "-B", "memory=256",
                "-n", "node3.demo", "-o", "noop", "app2.demo")
    assert added.returncode == 0, added.stderr
    info = cli(cluster, "gnt-instance", "info", "--output", "json", "app2.demo")
    (inst,) = json.loads(info.stdout)
    assert inst["pnode"] == "node3.demo" and inst["status"] == "running"
    assert inst["disk_sizes"] == [512] and inst["be_filled"]["maxmem"] == 256


def test_default_instance_list_has_ganetis_columns(cluster: Demo) -> None:
    listed = cli(cluster, "gnt-instance", "list")
    assert listed.stdout.splitlines()[0].split() == ["Instance", "Hypervisor", "OS", "Primary_node", "Status", "Memory"]
    assert any(line.startswith("web1.demo") and "running" in line for line in listed.stdout.splitlines())


def test_node_list_shows_live_resources(cluster: Demo) -> None:
    listed = cli(cluster, "gnt-node", "list", "--no-headers", "--separator=|", "-o", "name,mtotal,ctotal,role")
    rows = [line.split("|") for line in listed.stdout.splitlines()]
    assert rows[0] == ["node1.demo", "16384", "8", "M"]
    assert {r[0] for r in rows} == {"node1.demo", "node2.demo", "node3.demo"}


def test_unknown_list_field_warns_and_exits_14(cluster: Demo) -> None:
    listed = cli(cluster, "gnt-node", "list", "-o", "name,bogus")
    assert listed.returncode == 14
    assert "Warning: Queried for unknown fields bogus" in listed.stderr


def test_duplicate_instance_is_refused_and_nothing_changes(cluster: Demo, client) -> None:
    before = client.query("instance")
    again = cli(cluster, "gnt-instance", "add", "-t", "file", "-s", "1G", "-n", "node1.demo", "-o", "noop", "web1.demo")
    assert again.returncode == 1
    assert "Instance 'web1.demo' is already in the cluster" in again.stderr
    assert "Traceback" not in again.stderr
    assert client.query("instance") == before


def test_unknown_node_is_refused(cluster: Demo) -> None:
    result = cli(cluster, "gnt-instance", "add", "-t", "file", "-s", "1G", "-n", "nosuch.demo", "-o", "noop", "x.demo")
    assert result.returncode == 1
    assert "Node 'nosuch.demo' not known" in result.stderr


def test_unknown_os_fails_the_job_without_leaving_disks(cluster: Demo, client) -> None:
    result = cli(cluster, "gnt-instance", "add", "-t", "file", "-s", "1G", "-n", "node1.demo", "-o", "nosuchos", "y.demo")
    assert result.returncode == 1
    assert "nosuchos" in result.stderr


def test_submit_prints_the_job_id_and_job_commands_show_it(cluster: Demo) -> None:
    submitted = cli(cluster, "gnt-debug", "delay", "--submit", "--no-master", "0.01")
    assert submitted.returncode == 0
    job_id = submitted.stderr.strip().removeprefix("JobID: ")
    watched = cli(cluster, "gnt-job", "watch", job_id)
    assert watched.returncode == 0
    assert watched.stdout.startswith(f"Output from job {job_id} follows")
    listed = cli(cluster, "gnt-job", "list", "--no-headers", "--separator=|", job_id)
    assert listed.stdout.strip() == f"{job_id}|success|TEST_DELAY(1.0e-2)"
    info = cli(cluster, "gnt-job", "info", job_id)
    assert f"- Job ID: {job_id}" in info.stdout and "gnt:client:gnt-debug" in info.stdout


def test_failed_delay_job_reports_ganetis_error(cluster: Demo) -> None:
    result = cli(cluster, "gnt-debug", "delay", "0")
    assert result.returncode == 1
    assert result.stderr.strip() == "Failure: prerequisites not met for this operation:\nDuration must be greater than zero"


def test_shutdown_and_startup_change_the_state(cluster: Demo) -> None:
    assert cli(cluster, "gnt-instance", "shutdown", "web2.demo").returncode == 0
    state = cli(cluster, "gnt-instance", "list", "--no-headers", "-o", "status", "web2.demo")
    assert state.stdout.strip() == "ADMIN_down"
    assert cli(cluster, "gnt-instance", "startup", "web2.demo").returncode == 0
    state = cli(cluster, "gnt-instance", "list", "--no-headers", "-o", "status", "web2.demo")
    assert state.stdout.strip() == "running"


def test_remove_asks_unless_forced(cluster: Demo, client) -> None:
    cli(cluster, "gnt-instance", "add", "-t", "diskless", "--no-start", "-n", "node1.demo", "-o", "noop", "tmp.demo")
    declined = cli(cluster, "gnt-instance", "remove", "tmp.demo")
    assert declined.returncode == 1
    assert "tmp.demo" in [i["name"] for i in client.query("instance")]
    assert cli(cluster, "gnt-instance", "remove", "-f", "tmp.demo").returncode == 0
    assert "tmp.demo" not in [i["name"] for i in client.query("instance")]


def test_cluster_verify_passes_on_a_healthy_cluster(cluster: Demo) -> None:
    result = cli(cluster, "gnt-cluster", "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "* Verifying group default" in result.stdout


def test_cluster_info_names_the_master(cluster: Demo) -> None:
    result = cli(cluster, "gnt-cluster", "info")
    assert "Cluster name: demo-cluster" in result.stdout
    assert "Master node: node1.demo" in result.stdout


def test_api_socket_is_private(cluster: Demo) -> None:
    assert stat.S_IMODE(cluster.socket_path.stat().st_mode) == 0o600


def test_missing_master_is_one_line_error(cluster: Demo, tmp_path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "shell", "instance", "list", "--master", f"unix:{tmp_path}/none.sock"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Cannot communicate with the master")


def test_list_filter_in_the_human_syntax(cluster: Demo) -> None:
    listed = cli(cluster, "gnt-instance", "list", "--no-headers", "-o", "name",
                 'name =~ /^web/ and status == "running"')
    assert listed.returncode == 0, listed.stderr
    assert set(listed.stdout.split()) >= {"web1.demo", "web2.demo"}
    assert "db1.demo" not in listed.stdout
    nodes = cli(cluster, "gnt-node", "list", "--no-headers", "-o", "name", "-F", "pinst_cnt > 1")
    assert nodes.stdout.split() == ["node2.demo"] or "node2.demo" in nodes.stdout.split()
    globbed = cli(cluster, "gnt-instance", "list", "--no-headers", "-o", "name", "web*")
    assert "db1.demo" not in globbed.stdout and "web1.demo" in globbed.stdout


def test_list_filter_errors_point_at_the_position(cluster: Demo) -> None:
    bad = cli(cluster, "gnt-instance", "list", "name ==")
    assert bad.returncode == 1
    lines = bad.stderr.splitlines()
    assert lines[0].startswith("Error while parsing query filter: Failed to parse query filter 'name ==': ")
    assert lines[1:3] == ["name ==", "     ^"]
    unknown = cli(cluster, "gnt-job", "list", "-F", "bogus == 1")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "Failure: unknown/wrong parameter name 'Can't find field named 'bogus''"


def test_htools_read_the_live_cluster_from_the_master(cluster: Demo, tmp_path) -> None:
    info = cli(cluster, "ganeti-shell", "hinfo")
    assert info.returncode == 0, info.stderr
    assert "Loaded 3 nodes," in info.stdout and "Cluster score:" in info.stdout
    saved = cli(cluster, "ganeti-shell", "hbal", f"--luxi={cluster.socket_path}", "-S", str(tmp_path / "live"))
    assert saved.returncode == 0, saved.stderr
    again = cli(cluster, "ganeti-shell", "hinfo", "-t", str(tmp_path / "live.original"))
    score = [line for line in info.stdout.splitlines() if line.startswith("Cluster score:")]
    assert score and score[0] in again.stdout.splitlines()
    check = cli(cluster, "ganeti-shell", "hcheck")
    assert "Statistics for group default initially" in check.stdout
    # The verdict depends on what earlier tests created; the exit status must agree with it.
    unhealthy = "Cluster is not healthy: True" in check.stdout
    assert check.returncode == (1 if unhealthy else 0), check.stdout + check.stderr


def test_balance_preview_of_the_live_cluster(cluster: Demo, client) -> None:
    plan, serial = client.balance_preview(max_moves=5)
    info = cli(cluster, "ganeti-shell", "hinfo")
    score = next(line for line in info.stdout.splitlines() if line.startswith("Cluster score:"))
    assert f"{plan['initial_score']:.8f}" == score.split()[-1]
    assert plan["group"] == "default" and serial > 0
    # File-backed instances cannot move: no plan, and the preview says why.
    assert plan["moves"] == [] and plan["why"]
    assert {n["name"] for n in plan["nodes"]} >= {"node1.demo", "node2.demo", "node3.demo"}
    assert all(0 <= n["before"]["memory"] <= 1 for n in plan["nodes"])
