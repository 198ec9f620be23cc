"""The master's client of the NodeAgent API: one mutual-TLS channel per node.

The master verifies that each agent's certificate names the node it expects
(the TLS target name is the node name), and presents its own certificate,
which is the only one agents accept.
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc

from agent import pki
from agent.errors import RpcError, SecurityError
from agent.store import ConfigObject
from protos import node_pb2, node_pb2_grpc

R = TypeVar("R")
DEFAULT_TIMEOUT = 30.0


def node_address(node: ConfigObject) -> str:
    ip = node.data.get("primary_ip") or node.name
    return f"{ip}:{node.data.get('agent_port', 1811)}"


class NodeRpc:
    def __init__(self, ca_pem: bytes, cert_pem: bytes, key_pem: bytes) -> None:
        self._creds = grpc.ssl_channel_credentials(
            root_certificates=ca_pem, private_key=key_pem, certificate_chain=cert_pem
        )
        self._ca_pem = ca_pem
        self._channels: dict[tuple[str, str], grpc.aio.Channel] = {}

    def stub(self, node: ConfigObject) -> node_pb2_grpc.NodeAgentStub:
        key = (node.name, node_address(node))
        channel = self._channels.get(key)
        if channel is None:
            channel = grpc.aio.secure_channel(key[1], self._creds, options=[
                ("grpc.ssl_target_name_override", node.name),
                # A restarted agent should be reachable again within seconds,
                # not after gRPC's default back-off of up to two minutes.
                ("grpc.initial_reconnect_backoff_ms", 100),
                ("grpc.min_reconnect_backoff_ms", 100),
                ("grpc.max_reconnect_backoff_ms", 2000),
            ])
            self._channels[key] = channel
        return node_pb2_grpc.NodeAgentStub(channel)

    async def call(
        self,
        node: ConfigObject,
        method: Callable[[node_pb2_grpc.NodeAgentStub], Callable[..., Awaitable[R]]],
        request: Any,
        timeout: float = DEFAULT_TIMEOUT,
        wait_for_ready: bool = False,
    ) -> R:
        """Call one NodeAgent method on a node; failures become ``RpcError`` naming the node.

        ``wait_for_ready`` keeps retrying the connection until the timeout, for
        an agent that is restarting (as it does right after joining).
        """
        if node.data.get("offline"):
            raise RpcError(f"Node {node.name} is offline")
        try:
            return await method(self.stub(node))(request, timeout=timeout, wait_for_ready=wait_for_ready)
        except grpc.aio.AioRpcError as exc:
            raise RpcError(_describe(node.name, exc)) from None

    async def close(self) -> None:
        await asyncio.gather(*(c.close() for c in self._channels.values()))
        self._channels.clear()

    # -- join ------------------------------------------------------------------

    async def join(
        self, node_name: str, address: str, token: str, cluster_name: str, ca: pki.CertificateAuthority
    ) -> None:
        """Enrol a new agent: prove the token, sign its CSR, hand back the certificate."""
        host, _, port = address.rpartition(":")
        bootstrap = await asyncio.to_thread(_fetch_certificate, host, int(port))
        creds = grpc.ssl_channel_credentials(root_certificates=bootstrap)
        target = pki.common_name(bootstrap)
        async with grpc.aio.secure_channel(
            address, creds, options=[("grpc.ssl_target_name_override", target)]
        ) as channel:
            stub = node_pb2_grpc.NodeAgentStub(channel)
            nonce = os.urandom(32)
            proof = pki.proof(
                token, b"join", node_name.encode(), cluster_name.encode(), ca.cert_pem,
                pki.MASTER_IDENTITY.encode(), nonce,
            )
            try:
                reply = await stub.Join(
                    node_pb2.JoinRequest(
                        node_name=node_name, cluster_name=cluster_name, ca_cert_pem=ca.cert_pem,
                        master_identity=pki.MASTER_IDENTITY, nonce=nonce, proof=proof,
                    ),
                    timeout=DEFAULT_TIMEOUT,
                )
                if not pki.check_proof(token, reply.proof, b"csr", reply.csr_pem, nonce):
                    raise SecurityError(f"node {node_name} answered without the join token")
                cert = ca.sign(pki.load_csr(reply.csr_pem), node_name)
                await stub.InstallCertificate(
                    node_pb2.InstallCertificateRequest(
                        cert_pem=cert, nonce=nonce, proof=pki.proof(token, b"cert", cert, nonce)
                    ),
                    timeout=DEFAULT_TIMEOUT,
                )
            except grpc.aio.AioRpcError as exc:
                raise RpcError(_describe(node_name, exc)) from None


def _describe(node_name: str, exc: grpc.aio.AioRpcError) -> str:
    code = exc.code()
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        return f"Node {node_name} does not answer: {exc.details()}"
    return f"Node {node_name}: {exc.details()}"


def _fetch_certificate(host: str, port: int) -> bytes:
    """The agent's bootstrap certificate, read from the TLS handshake (authenticated later by the token)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["h2"])
    try:
        with socket.create_connection((host, port), timeout=10) as sock:
            with ctx.wrap_socket(sock) as tls:
                der = tls.getpeercert(binary_form=True)
    except OSError as exc:
        raise RpcError(f"Node at {host}:{port} does not answer: {exc}") from None
    if not der:
        raise RpcError(f"Node at {host}:{port} presented no certificate")
    return ssl.DER_cert_to_PEM_cert(der).encode()
