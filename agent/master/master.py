"""The master: configuration, job queue and node RPC, served as the Cluster API."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection, reflection_pb2_grpc

from agent import pki
from agent.errors import GanetiError
from agent.master.config import Config
from agent.master.filters import FilterRule, new_rule
from agent.master.init import STORE_FILE
from agent.master.jobs import Job
from agent.master.lu.base import LuContext
from agent.master.queue import JobQueue
from agent.master.rpc import NodeRpc
from agent.master.service import ClusterService
from agent.master.serving import GenericOnly
from agent.store import ConfigObject, Delete, Put, SqliteStore
from protos import cluster_pb2, cluster_pb2_grpc

log = logging.getLogger(__name__)


class Master:
    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        # Opening the store first: a missing or corrupt state file stops us here.
        self.config = Config(SqliteStore(state_dir / STORE_FILE))
        self.ca = pki.CertificateAuthority.load(state_dir)
        self.rpc = NodeRpc(
            self.ca.cert_pem,
            (state_dir / pki.CLIENT_CERT).read_bytes(),
            (state_dir / pki.CLIENT_KEY).read_bytes(),
        )
        self.queue = JobQueue(self.config)
        self.queue.context_factory = self._context
        self.filters = self.queue.filters
        self.server: grpc.aio.Server | None = None

    def _context(self, job: Job, index: int, feedback: Any) -> LuContext:
        return LuContext(
            config=self.config,
            rpc=self.rpc,
            ca=self.ca,
            job_id=job.id,
            priority=job.ops[index].priority,
            log=feedback,
            submit_jobs=self.queue.submit_many,
            cluster_changed=self._cluster_changed,
        )

    async def load_filters(self) -> None:
        stored = await self.config.objects("filter")
        self.filters.replace_all([FilterRule.from_dict(o.data) for o in stored])

    async def replace_filter(self, uuid: str | None, priority: Any, predicates: Any, action: Any,
                             reason: Any) -> str:
        """Add (no uuid) or replace a rule; its watermark becomes the highest job id so far."""
        watermark = await self.config.run(self.config.store.job_serial)
        rule = new_rule(uuid, priority, predicates, action, reason, watermark, time.time_ns())
        old = await self.config.get("filter", rule.uuid)
        obj = ConfigObject("filter", rule.uuid, rule.uuid, rule.to_dict())
        if old is not None:
            obj.serial_no = old.serial_no
        await self.config.commit([Put(obj)])
        await self.load_filters()
        self.queue.rules_changed()
        return rule.uuid

    async def delete_filter(self, uuid: str) -> None:
        if await self.config.get("filter", uuid) is None:
            raise GanetiError(f"Filter rule with UUID {uuid} does not exist")
        await self.config.commit([Delete("filter", uuid)])
        await self.load_filters()
        self.queue.rules_changed()

    def _cluster_changed(self, cluster: Any) -> None:
        self.queue.set_max_running(int(cluster.data.get("max_running_jobs", 20)))

    async def start(self, socket_path: Path, tcp_listen: str | None = None) -> None:
        cluster = await self.config.cluster()
        self.queue.max_running = int(cluster.data.get("max_running_jobs", 20))
        await self.load_filters()
        await self.queue.recover()
        server = grpc.aio.server()
        services = GenericOnly(server)
        cluster_pb2_grpc.add_ClusterServicer_to_server(ClusterService(self), services)
        health_servicer = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, services)
        names = (
            cluster_pb2.DESCRIPTOR.services_by_name["Cluster"].full_name,
            health.SERVICE_NAME,
            reflection.SERVICE_NAME,
        )
        reflection_servicer = reflection.aio.ReflectionServicer(names)
        reflection_pb2_grpc.add_ServerReflectionServicer_to_server(reflection_servicer, services)
        if socket_path.exists():
            socket_path.unlink()
        old_umask = os.umask(0o177)
        try:
            server.add_insecure_port(f"unix:{socket_path}")
        finally:
            os.umask(old_umask)
        if tcp_listen:
            creds = grpc.ssl_server_credentials(
                [((self.state_dir / pki.NODE_KEY).read_bytes(), (self.state_dir / pki.NODE_CERT).read_bytes())],
                root_certificates=self.ca.cert_pem,
                require_client_auth=True,
            )
            server.add_secure_port(tcp_listen, creds)
        await server.start()
        os.chmod(socket_path, 0o600)
        await health_servicer.set(names[0], health_pb2.HealthCheckResponse.SERVING)
        await health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
        self.server = server
        log.info("master serving on unix:%s%s", socket_path, f" and {tcp_listen}" if tcp_listen else "")

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop(grace=1)
        await self.queue.stop()
        await self.rpc.close()
        self.config.close()
