"""Mutual TLS between master and agents, the join token, and the Cluster API for scripts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from agent import pki
from protos import node_pb2, node_pb2_grpc
from shell.client import ClusterClient
from shell.demo import Demo
from tests.integration.conftest import cli


def _agent_address(cluster: Demo, index: int) -> str:
    return (cluster.node_dirs()[index] / "agent.addr").read_text().strip()


def _ping(address: str, target: str, root: bytes, key: bytes | None = None, cert: bytes | None = None) -> None:
    creds = grpc.ssl_channel_credentials(root_certificates=root, private_key=key, certificate_chain=cert)
    with grpc.secure_channel(address, creds, options=[("grpc.ssl_target_name_override", target)]) as channel:
        node_pb2_grpc.NodeAgentStub(channel).Ping(node_pb2.PingRequest(), timeout=5)


def test_master_certificate_is_accepted(cluster: Demo) -> None:
    master_dir = cluster.node_dirs()[0]
    _ping(_agent_address(cluster, 1), "node2.demo", (master_dir / "ca.pem").read_bytes(),
          (master_dir / "client.key").read_bytes(), (master_dir / "client.pem").read_bytes())


def test_client_without_certificate_is_refused(cluster: Demo) -> None:
    ca = (cluster.node_dirs()[0] / "ca.pem").read_bytes()
    with pytest.raises(grpc.RpcError) as err:
        _ping(_agent_address(cluster, 1), "node2.demo", ca)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


def test_certificate_of_another_ca_is_refused(cluster: Demo) -> None:
    ca = (cluster.node_dirs()[0] / "ca.pem").read_bytes()
    other = pki.CertificateAuthority.create("other")
    cert, key = other.issue(pki.MASTER_IDENTITY)
    with pytest.raises(grpc.RpcError) as err:
        _ping(_agent_address(cluster, 1), "node2.demo", ca, key, cert)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


def test_another_nodes_certificate_is_refused(cluster: Demo) -> None:
    node3 = cluster.node_dirs()[2]
    with pytest.raises(grpc.RpcError) as err:
        _ping(_agent_address(cluster, 1), "node2.demo", (node3 / "ca.pem").read_bytes(),
              (node3 / "node.key").read_bytes(), (node3 / "node.pem").read_bytes())
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "not the cluster master" in err.value.details()


def test_master_refuses_an_agent_whose_certificate_names_another_node(cluster: Demo) -> None:
    master_dir = cluster.node_dirs()[0]
    with pytest.raises(grpc.RpcError) as err:
        _ping(_agent_address(cluster, 1), "node3.demo", (master_dir / "ca.pem").read_bytes(),
              (master_dir / "client.key").read_bytes(), (master_dir / "client.pem").read_bytes())
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


@pytest.fixture
def new_agent(cluster: Demo, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """An agent that has not joined yet, on a port of its own."""
    state = tmp_path / "node4"
    proc = subprocess.Popen(
        [sys.executable, "-m", "shell", "agent", "--state-dir", str(state), "--listen", "127.0.0.1:0",
         "--log-file", str(tmp_path / "node4.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not (state / "agent.addr").exists():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        yield state, (state / "agent.addr").read_text().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_node_add_with_the_join_token_and_the_token_is_never_written(cluster: Demo, new_agent, tmp_path: Path) -> None:
    state, address = new_agent
    token_file = state / pki.JOIN_TOKEN
    assert oct(token_file.stat().st_mode & 0o777) == "0o600"
    token = token_file.read_text().strip()
    added = cli(cluster, "gnt-node", "add", "--address", address, "--join-token-file", str(token_file), "node4.demo")
    assert added.returncode == 0, added.stderr
    listed = cli(cluster, "gnt-node", "list", "--no-headers", "-o", "name", "node4.demo")
    assert listed.stdout.strip() == "node4.demo"
    assert not token_file.exists()
    assert pki.common_name((state / "node.pem").read_bytes()) == "node4.demo"
    info = cli(cluster, "gnt-job", "list", "--no-headers", "-o", "id,ops")
    assert token not in info.stdout and "<redacted>" in info.stdout
    written = [tmp_path / "node4.log", *[p for d in cluster.node_dirs() for p in d.iterdir() if p.is_file()]]
    for path in written:
        if path.suffix in (".key",):
            continue
        assert token.encode() not in path.read_bytes(), path
    for key in state.glob("*.key"):
        assert oct(key.stat().st_mode & 0o777) == "0o600"
    removed = cli(cluster, "gnt-node", "remove", "node4.demo")
    assert removed.returncode == 0, removed.stderr


def test_node_add_with_a_wrong_token_changes_nothing(cluster: Demo, new_agent, tmp_path: Path) -> None:
    state, address = new_agent
    wrong = tmp_path / "wrong-token"
    wrong.write_text("not-the-token")
    added = cli(cluster, "gnt-node", "add", "--address", address, "--join-token-file", str(wrong), "node5.demo")
    assert added.returncode == 1
    assert "join token does not match" in added.stderr
    assert "node5.demo" not in cli(cluster, "gnt-node", "list", "-o", "name").stdout
    assert (state / pki.JOIN_TOKEN).exists() and not (state / "node.pem").exists()


def test_duplicate_node_is_refused(cluster: Demo, tmp_path: Path) -> None:
    token = tmp_path / "t"
    token.write_text("x")
    added = cli(cluster, "gnt-node", "add", "--address", "127.0.0.1:1", "--join-token-file", str(token), "node2.demo")
    assert added.returncode == 1
    assert "Node node2.demo is already in the configuration" in added.stderr


def test_node_that_does_not_answer_is_reported(cluster: Demo, tmp_path: Path) -> None:
    token = tmp_path / "t"
    token.write_text("x")
    added = cli(cluster, "gnt-node", "add", "--address", "127.0.0.1:1", "--join-token-file", str(token), "ghost.demo")
    assert added.returncode == 1
    assert "does not answer" in added.stderr


def test_health_and_reflection_serve_scripted_clients(cluster: Demo) -> None:
    with grpc.insecure_channel(cluster.master_address) as channel:
        health = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="ganeti_shell.cluster.Cluster"), timeout=5
        )
        assert health.status == health_pb2.HealthCheckResponse.SERVING
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        replies = stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]))
        services = {s.name for r in replies for s in r.list_services_response.service}
        assert "ganeti_shell.cluster.Cluster" in services


def test_typed_client_runs_a_job_and_streams_its_log(cluster: Demo) -> None:
    with ClusterClient(cluster.master_address) as client:
        job_id = client.submit_job([{"OP_ID": "OP_TEST_DELAY", "duration": 0.01, "on_master": False, "repeat": 2}])
        lines: list[str] = []
        job = client.wait_job(job_id, lambda line: lines.append(line.message))
        assert job["status"] == "success"
        assert lines == [" - INFO: Test delay iteration 0/1", " - INFO: Test delay iteration 1/1"]
        assert {n["name"] for n in client.query("node")} >= {"node1.demo", "node2.demo", "node3.demo"}


def test_api_refuses_a_malformed_job_and_consumes_no_id(cluster: Demo) -> None:
    from agent.errors import OpCodeError

    with ClusterClient(cluster.master_address) as client:
        first = client.submit_job([{"OP_ID": "OP_TEST_DELAY", "duration": 0.01, "on_master": False}])
        with pytest.raises(OpCodeError, match="Unknown opcode OP_NOPE"):
            client.submit_job([{"OP_ID": "OP_NOPE"}])
        second = client.submit_job([{"OP_ID": "OP_TEST_DELAY", "duration": 0.01, "on_master": False}])
        assert second == first + 1


def test_tcp_api_needs_an_admin_certificate(tmp_path: Path) -> None:
    from agent.master.init import init_cluster
    from shell.demo import _free_port

    state = tmp_path / "m"
    port, api = _free_port(), _free_port()
    init_cluster(state, "c", "n1.demo", "127.0.0.1", port)
    proc = subprocess.Popen(
        [sys.executable, "-m", "shell", "agent", "--master", "--state-dir", str(state),
         "--listen", f"127.0.0.1:{port}", "--api-listen", f"127.0.0.1:{api}", "--log-file", str(tmp_path / "log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not (state / "agent.addr").exists():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        env = dict(os.environ)
        os.environ["GANETI_SHELL_CERT_DIR"] = str(state)
        try:
            with ClusterClient(f"127.0.0.1:{api}") as client:
                assert client.cluster_info()["name"] == "c"
        finally:
            os.environ.clear()
            os.environ.update(env)
        ca = (state / "ca.pem").read_bytes()
        creds = grpc.ssl_channel_credentials(
            root_certificates=ca, private_key=(state / "node.key").read_bytes(),
            certificate_chain=(state / "node.pem").read_bytes(),
        )
        from protos import cluster_pb2, cluster_pb2_grpc

        with grpc.secure_channel(f"127.0.0.1:{api}", creds,
                                 options=[("grpc.ssl_target_name_override", "n1.demo")]) as channel:
            with pytest.raises(grpc.RpcError) as err:
                cluster_pb2_grpc.ClusterStub(channel).ClusterInfo(cluster_pb2.ClusterInfoRequest(), timeout=5)
            assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    finally:
        proc.terminate()
        proc.wait(timeout=30)
