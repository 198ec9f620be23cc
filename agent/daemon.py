"""``ganeti-shell agent``: the node agent, and with ``--master`` the master too.

A node that has not joined a cluster serves only the join exchange, over a
throw-away TLS certificate, and keeps its one-time token in a 0600 file of
its state directory. Once joined it serves the NodeAgent API over mutual TLS
to the cluster's master only.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import sys
from pathlib import Path

import grpc

from agent import pki
from agent.errors import GanetiError
from agent.master.serving import GenericOnly
from agent.node.hostinfo import HostOverrides
from agent.node.service import JoinState, NodeAgentService, NodeIdentity
from protos import node_pb2_grpc

log = logging.getLogger("ganeti-shell.agent")

ADDRESS_FILE = "agent.addr"
PID_FILE = "agent.pid"


def build_parser(prog: str = "ganeti-shell agent") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Run the node agent (and the master with --master).")
    p.add_argument("--state-dir", required=True, type=Path, help="directory of this agent's state")
    p.add_argument("--listen", default="0.0.0.0:1811", help="HOST:PORT of the NodeAgent API")
    p.add_argument("--master", action="store_true", help="also run the master (Cluster API and jobs)")
    p.add_argument("--socket", type=Path, help="Unix socket of the Cluster API (default STATE_DIR/master.sock)")
    p.add_argument("--api-listen", metavar="HOST:PORT", help="also serve the Cluster API on TCP (mutual TLS)")
    p.add_argument("--memory-mib", type=int, help="report this much memory (simulate a bigger host)")
    p.add_argument("--disk-mib", type=int, help="report this much disk")
    p.add_argument("--cpus", type=int, help="report this many CPUs")
    p.add_argument("--log-file", type=Path, help="log here instead of stderr")
    return p


def _prepare_join(state_dir: Path) -> JoinState:
    """Key, bootstrap certificate and join token for a node that has not joined yet."""
    key_path = state_dir / pki.NODE_KEY
    if key_path.exists():
        key_pem = key_path.read_bytes()
    else:
        key_pem = pki.key_pem(pki.new_key())
        pki.write_private(key_path, key_pem)
    token_path = state_dir / pki.JOIN_TOKEN
    if token_path.exists():
        token = token_path.read_text().strip()
    else:
        token = pki.new_token()
        pki.write_private(token_path, token.encode())
    return JoinState(token=token, key_pem=key_pem)


def _server_credentials(state_dir: Path, join: JoinState | None) -> grpc.ServerCredentials:
    if join is not None:
        cert = pki.self_signed(pki.load_key(join.key_pem), "ganeti-shell-bootstrap")
        return grpc.ssl_server_credentials([(join.key_pem, cert)])
    return grpc.ssl_server_credentials(
        [((state_dir / pki.NODE_KEY).read_bytes(), (state_dir / pki.NODE_CERT).read_bytes())],
        root_certificates=(state_dir / pki.CA_CERT).read_bytes(),
        require_client_auth=True,
    )


async def serve(args: argparse.Namespace) -> None:
    state_dir: Path = args.state_dir
    state_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(state_dir, 0o700)
    overrides = HostOverrides(args.memory_mib, args.cpus, args.disk_mib)
    stop = asyncio.Event()
    joined = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    master = None
    if args.master:
        from agent.master.init import DEFAULT_SOCKET
        from agent.master.master import Master

        master = Master(state_dir)
        await master.start(args.socket or state_dir / DEFAULT_SOCKET, args.api_listen)

    listen: str = args.listen
    try:
        while not stop.is_set():
            identity = NodeIdentity.load(state_dir)
            join = None if identity else await asyncio.to_thread(_prepare_join, state_dir)
            service = NodeAgentService(state_dir, overrides, join, joined.set)
            server = grpc.aio.server()
            node_pb2_grpc.add_NodeAgentServicer_to_server(service, GenericOnly(server))
            port = server.add_secure_port(listen, _server_credentials(state_dir, join))
            if port == 0:
                raise GanetiError(f"cannot listen on {listen}")
            await server.start()
            host = listen.rpartition(":")[0]
            listen = f"{host}:{port}"  # a restart after joining keeps the port the master knows
            (state_dir / ADDRESS_FILE).write_text(f"{host}:{port}\n")
            if join is not None:
                log.info(
                    "agent at %s:%d waiting to join a cluster; its join token is in %s",
                    host, port, state_dir / pki.JOIN_TOKEN,
                )
            else:
                assert identity is not None
                log.info("agent of node %s serving on %s:%d", identity.node_name, host, port)
            waiters = [asyncio.create_task(stop.wait()), asyncio.create_task(joined.wait())]
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()
            joined.clear()
            # Let the reply to InstallCertificate reach the master before the restart.
            await server.stop(grace=2)
            if not stop.is_set():
                log.info("joined the cluster; restarting with mutual TLS")
    finally:
        if master is not None:
            await master.stop()
        (state_dir / ADDRESS_FILE).unlink(missing_ok=True)


# A master keeps every queued job in memory. With Python's default thresholds (700, 10, 10)
# a full collection scans them all whenever they grew by a quarter: 20,000 queued jobs cost
# about 50 µs per submission that way, in pauses of 150 ms. Young collections stay about as
# frequent as before; full ones come at most every 100 middle ones.
GC_THRESHOLDS = (2000, 10, 100)


def main(argv: list[str], prog: str = "ganeti-shell agent") -> int:
    args = build_parser(prog).parse_args(argv)
    gc.set_threshold(*GC_THRESHOLDS)
    handler: logging.Handler = (
        logging.FileHandler(args.log_file) if args.log_file else logging.StreamHandler(sys.stderr)
    )
    logging.basicConfig(
        level=logging.INFO, handlers=[handler],
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    (args.state_dir).mkdir(parents=True, exist_ok=True)
    (args.state_dir / PID_FILE).write_text(f"{os.getpid()}\n")
    try:
        asyncio.run(serve(args))
    except GanetiError as exc:
        print(f"ganeti-shell agent: {exc.message}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"ganeti-shell agent: {exc}", file=sys.stderr)
        return 1
    finally:
        (args.state_dir / PID_FILE).unlink(missing_ok=True)
    return 0
