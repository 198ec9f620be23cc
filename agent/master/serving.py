"""Adding generated gRPC services to a ``grpc.aio`` server as generic handlers only.

grpc.aio keeps one pending request per *registered* method, and for every call
it accepts it waits on all of them again (``asyncio.wait`` adds and removes a
callback on each): with the Cluster API's 20 methods plus health and reflection,
that is about 17 µs of the event loop per call. Generic handlers share one
pending request, whatever the number of methods, and serve the same methods.
"""

from __future__ import annotations

from collections.abc import Sequence

import grpc


class GenericOnly:
    """Stands in for the server in a generated ``add_*Servicer_to_server``: passes the
    service's generic handler on and drops the registered copy of the same methods."""

    def __init__(self, server: grpc.aio.Server) -> None:
        self._server = server

    def add_generic_rpc_handlers(self, handlers: Sequence[grpc.GenericRpcHandler]) -> None:
        self._server.add_generic_rpc_handlers(handlers)

    def add_registered_method_handlers(
        self, service: str, handlers: dict[str, grpc.RpcMethodHandler]
    ) -> None:
        """Nothing: ``add_generic_rpc_handlers`` got the same methods."""
