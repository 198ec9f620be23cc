"""The NodeAgent gRPC service: the node's hypervisor, storage and OS, for the master only."""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import grpc

from agent import pki
from agent.errors import GanetiError
from agent.node.hostinfo import HostOverrides, read_host
from agent.node.hypervisor import FakeHypervisor, Hypervisor
from agent.node.storage import DisklessStorage, DiskRef, FileStorage, StorageBackend, convert
from agent.node.storage.drbd import PATH_PREFIX, DrbdPeer, DrbdStorage
from agent.version import VERSION
from protos import node_pb2, node_pb2_grpc

NODE_STATE = "node.json"
BUILTIN_OSES = ("noop",)

R = TypeVar("R")


@dataclass
class NodeIdentity:
    """Who this agent is once joined, and who may call it."""

    node_name: str
    cluster_name: str
    master_identity: str

    @classmethod
    def load(cls, state_dir: Path) -> NodeIdentity | None:
        path = state_dir / NODE_STATE
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        return cls(data["node_name"], data["cluster_name"], data["master_identity"])

    def save(self, state_dir: Path) -> None:
        pki.write_private(state_dir / NODE_STATE, json.dumps(self.__dict__).encode())


def _peer_name(context: grpc.aio.ServicerContext) -> str:
    names = context.auth_context().get("x509_common_name") or [b""]
    return names[0].decode()


def master_only(
    method: Callable[[Any, Any, grpc.aio.ServicerContext], Awaitable[R]],
) -> Callable[[Any, Any, grpc.aio.ServicerContext], Awaitable[R]]:
    """Refuse callers other than the cluster's master; map our errors to gRPC status."""

    @functools.wraps(method)
    async def wrapper(self: NodeAgentService, request: Any, context: grpc.aio.ServicerContext) -> R:
        identity = self.identity
        if identity is None:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, "node has not joined a cluster")
        assert identity is not None
        peer = _peer_name(context)
        if peer != identity.master_identity:
            await context.abort(
                grpc.StatusCode.PERMISSION_DENIED,
                f"caller {peer or '(no certificate)'} is not the cluster master",
            )
        try:
            return await method(self, request, context)
        except GanetiError as exc:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, exc.message)
            raise  # unreachable: abort raises

    return wrapper


@dataclass
class JoinState:
    """What the not-yet-joined agent keeps between the two join steps."""

    token: str
    key_pem: bytes
    pending: dict[str, Any] = field(default_factory=dict)


class NodeAgentService(node_pb2_grpc.NodeAgentServicer):
    def __init__(
        self,
        state_dir: Path,
        overrides: HostOverrides,
        join: JoinState | None,
        on_joined: Callable[[], None],
    ) -> None:
        self.state_dir = state_dir
        self.overrides = overrides
        self.identity = NodeIdentity.load(state_dir)
        self.join = join
        self.on_joined = on_joined
        self.hypervisor: Hypervisor = FakeHypervisor(state_dir)
        self.storage: dict[str, StorageBackend] = {
            "file": FileStorage(state_dir / "file-storage"),
            "diskless": DisklessStorage(),
        }
        self.drbd = DrbdStorage(state_dir / "drbd-storage")
        self.storage["drbd"] = self.drbd

    # -- join ----------------------------------------------------------------

    async def Join(self, request: node_pb2.JoinRequest, context: grpc.aio.ServicerContext) -> node_pb2.JoinReply:
        if self.identity is not None or self.join is None:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, "node has already joined a cluster")
        assert self.join is not None
        ok = pki.check_proof(
            self.join.token,
            request.proof,
            b"join",
            request.node_name.encode(),
            request.cluster_name.encode(),
            request.ca_cert_pem,
            request.master_identity.encode(),
            request.nonce,
        )
        if not ok:
            await context.abort(grpc.StatusCode.PERMISSION_DENIED, "join token does not match")
        key = pki.load_key(self.join.key_pem)
        csr = pki.make_csr(key, request.node_name)
        from cryptography.hazmat.primitives import serialization

        csr_pem = csr.public_bytes(serialization.Encoding.PEM)
        self.join.pending = {
            "node_name": request.node_name,
            "cluster_name": request.cluster_name,
            "master_identity": request.master_identity,
            "ca": request.ca_cert_pem,
            "nonce": request.nonce,
        }
        return node_pb2.JoinReply(
            csr_pem=csr_pem, proof=pki.proof(self.join.token, b"csr", csr_pem, request.nonce)
        )

    async def InstallCertificate(
        self, request: node_pb2.InstallCertificateRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.InstallCertificateReply:
        join = self.join
        if self.identity is not None or join is None or not join.pending:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, "no join in progress")
        assert join is not None
        pending = join.pending
        if request.nonce != pending["nonce"] or not pki.check_proof(
            join.token, request.proof, b"cert", request.cert_pem, request.nonce
        ):
            await context.abort(grpc.StatusCode.PERMISSION_DENIED, "join token does not match")
        try:
            pki.verify_signed_by(request.cert_pem, pending["ca"])
        except GanetiError as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, exc.message)
        if pki.common_name(request.cert_pem) != pending["node_name"]:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "certificate names another node")
        await asyncio.to_thread(self._install, request.cert_pem, pending)
        return node_pb2.InstallCertificateReply()

    def _install(self, cert_pem: bytes, pending: dict[str, Any]) -> None:
        assert self.join is not None
        d = self.state_dir
        (d / pki.CA_CERT).write_bytes(pending["ca"])
        pki.write_private(d / pki.NODE_KEY, self.join.key_pem)
        (d / pki.NODE_CERT).write_bytes(cert_pem)
        identity = NodeIdentity(pending["node_name"], pending["cluster_name"], pending["master_identity"])
        identity.save(d)
        (d / pki.JOIN_TOKEN).unlink(missing_ok=True)
        (d / pki.BOOTSTRAP_CERT).unlink(missing_ok=True)
        self.identity = identity
        self.join = None
        self.on_joined()

    # -- node ----------------------------------------------------------------

    @master_only
    async def Ping(self, request: node_pb2.PingRequest, context: grpc.aio.ServicerContext) -> node_pb2.PingReply:
        assert self.identity is not None
        return node_pb2.PingReply(node_name=self.identity.node_name, version=VERSION, time=time.time())

    @master_only
    async def NodeInfo(
        self, request: node_pb2.NodeInfoRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.NodeInfoReply:
        assert self.identity is not None

        def collect() -> node_pb2.NodeInfoReply:
            used_mem = sum(i.memory_mib for i in self.hypervisor.list_instances())
            used_disk = sum(d.size_mib for s in self.storage.values() for d in s.list())
            res = read_host(self.state_dir, self.overrides, used_mem, used_disk)
            return node_pb2.NodeInfoReply(
                node_name=self.identity.node_name if self.identity else "",
                memory_total_mib=res.memory_total_mib,
                memory_free_mib=res.memory_free_mib,
                memory_node_mib=res.memory_node_mib,
                cpu_count=res.cpu_count,
                disk_total_mib=res.disk_total_mib,
                disk_free_mib=res.disk_free_mib,
                hypervisors=[self.hypervisor.name],
                storage_types=sorted(self.storage),
                version=VERSION,
            )

        return await asyncio.to_thread(collect)

    # -- instances -----------------------------------------------------------

    @master_only
    async def InstanceList(
        self, request: node_pb2.InstanceListRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.InstanceListReply:
        running = await asyncio.to_thread(self.hypervisor.list_instances)
        return node_pb2.InstanceListReply(
            instances=[
                node_pb2.InstanceState(
                    name=i.name, running=True, memory_mib=i.memory_mib, vcpus=i.vcpus,
                    hypervisor=self.hypervisor.name,
                )
                for i in running
            ]
        )

    @master_only
    async def InstanceStart(
        self, request: node_pb2.InstanceStartRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.InstanceStartReply:
        paths = await asyncio.to_thread(self._open_paths, request.disk_paths)
        await asyncio.to_thread(
            self.hypervisor.start, request.name, request.memory_mib, request.vcpus,
            paths, request.paused,
        )
        return node_pb2.InstanceStartReply()

    def _open_paths(self, paths: Any) -> list[str]:
        """Disk paths for the hypervisor: DRBD disks open only where their half is primary."""
        return [self.drbd.open_path(p) if p.startswith(PATH_PREFIX) else p for p in paths]

    @master_only
    async def InstanceAcceptMigration(
        self, request: node_pb2.InstanceStartRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.InstanceMigrationReply:
        paths = await asyncio.to_thread(self._open_paths, request.disk_paths)
        await asyncio.to_thread(
            self.hypervisor.accept_migration, request.name, request.memory_mib, request.vcpus, paths
        )
        return node_pb2.InstanceMigrationReply(status="active")

    @master_only
    async def InstanceMigrate(
        self, request: node_pb2.InstanceMigrateRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.InstanceMigrationReply:
        status = await asyncio.to_thread(
            self.hypervisor.migrate, request.name, request.target_node, request.live
        )
        return node_pb2.InstanceMigrationReply(status=status)

    @master_only
    async def InstanceFinalizeMigration(
        self, request: node_pb2.InstanceFinalizeMigrationRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.InstanceMigrationReply:
        await asyncio.to_thread(
            self.hypervisor.finalize_migration, request.name, request.source, request.success
        )
        return node_pb2.InstanceMigrationReply(status="completed")

    @master_only
    async def InstanceStop(
        self, request: node_pb2.InstanceStopRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.InstanceStopReply:
        was = await asyncio.to_thread(self.hypervisor.stop, request.name, request.timeout_s)
        return node_pb2.InstanceStopReply(was_running=was)

    # -- disks ---------------------------------------------------------------

    def _backend(self, dev_type: str) -> StorageBackend:
        backend = self.storage.get(dev_type)
        if backend is None:
            raise GanetiError(f"storage type {dev_type!r} is not available on this node")
        return backend

    @staticmethod
    def _ref(spec: node_pb2.DiskSpec) -> DiskRef:
        return DiskRef(spec.uuid, spec.dev_type, spec.size_mib, spec.instance_name, spec.index)

    @master_only
    async def DiskCreate(
        self, request: node_pb2.DiskCreateRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.DiskCreateReply:
        backend = self._backend(request.disk.dev_type)
        if request.disk.dev_type == "drbd":
            peer = _drbd_peer(request.disk.drbd)
            path = await asyncio.to_thread(self.drbd.create_half, self._ref(request.disk), peer)
        else:
            path = await asyncio.to_thread(backend.create, self._ref(request.disk))
        return node_pb2.DiskCreateReply(path=path)

    @master_only
    async def DiskRemove(
        self, request: node_pb2.DiskRemoveRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.DiskRemoveReply:
        backend = self._backend(request.disk.dev_type)
        await asyncio.to_thread(backend.remove, self._ref(request.disk))
        return node_pb2.DiskRemoveReply()

    @master_only
    async def DiskConvert(
        self, request: node_pb2.DiskConvertRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.DiskConvertReply:
        source = self._backend(request.source.dev_type)
        target = self._backend(request.target.dev_type)

        def copy() -> int:
            return convert.copy_disk(convert.data_path(source, request.source.uuid),
                                     convert.data_path(target, request.target.uuid))

        return node_pb2.DiskConvertReply(copied_mib=await asyncio.to_thread(copy))

    @master_only
    async def DiskList(
        self, request: node_pb2.DiskListRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.DiskListReply:
        def collect() -> list[node_pb2.DiskInfo]:
            return [
                node_pb2.DiskInfo(uuid=d.uuid, dev_type=d.dev_type, path=d.path, size_mib=d.size_mib)
                for backend in self.storage.values()
                for d in backend.list()
            ]

        return node_pb2.DiskListReply(disks=await asyncio.to_thread(collect))

    @master_only
    async def DrbdStatus(
        self, request: node_pb2.DrbdStatusRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.DrbdStatusReply:
        states = []
        for uuid in request.uuids:
            half = await asyncio.to_thread(self.drbd.status, uuid)
            if half is None:
                states.append(node_pb2.DrbdState(uuid=uuid, exists=False))
                continue
            states.append(node_pb2.DrbdState(
                uuid=uuid, exists=True, minor=half.minor, role=half.role,
                connection=half.connection, disk_state=half.disk_state,
                sync_percent=half.sync_percent, peer_node=half.peer_node, size_mib=half.size_mib,
            ))
        return node_pb2.DrbdStatusReply(disks=states)

    @master_only
    async def DrbdSetRole(
        self, request: node_pb2.DrbdSetRoleRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.DrbdSetRoleReply:
        def change() -> None:
            half = self.drbd.status(request.uuid)
            running = {i.name for i in self.hypervisor.list_instances()}
            in_use = half is not None and half.instance_name in running
            self.drbd.set_role(request.uuid, request.primary, in_use)

        await asyncio.to_thread(change)
        return node_pb2.DrbdSetRoleReply()

    @master_only
    async def DrbdReconnect(
        self, request: node_pb2.DrbdReconnectRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.DrbdReconnectReply:
        await asyncio.to_thread(self.drbd.reconnect, request.disk.uuid, _drbd_peer(request.disk.drbd))
        return node_pb2.DrbdReconnectReply()

    # -- OS and test ---------------------------------------------------------

    @master_only
    async def OsCreate(
        self, request: node_pb2.OsCreateRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.OsCreateReply:
        os_name = request.os.split("+", 1)[0]
        if os_name not in BUILTIN_OSES:
            raise GanetiError(f"OS '{request.os}' not found on this node")
        return node_pb2.OsCreateReply(log=f"{os_name}: nothing to install for {request.instance_name}")

    @master_only
    async def Delay(self, request: node_pb2.DelayRequest, context: grpc.aio.ServicerContext) -> node_pb2.DelayReply:
        await asyncio.sleep(request.duration)
        return node_pb2.DelayReply()


def _drbd_peer(spec: node_pb2.DrbdSpec) -> DrbdPeer:
    return DrbdPeer(
        minor=spec.minor, port=spec.port, peer_node=spec.peer_node, peer_address=spec.peer_address,
        peer_minor=spec.peer_minor, secret=spec.secret, primary=spec.primary,
    )
