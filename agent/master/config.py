"""The master's view of the configuration: typed look-ups and one-transaction changes.

Every call runs on the store's own thread, so a slow disk never stalls the
event loop, and every change is a single store transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from agent.errors import OpPrereqError
from agent.master.store_thread import StoreThread
from agent.store import ConfigObject, Delete, Put, Store

T = TypeVar("T")


class Config:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._thread = StoreThread()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a blocking store call on the store thread."""
        return await self._thread.run(fn, *args)

    def close(self) -> None:
        self._thread.close()
        self.store.close()

    # -- look-ups --------------------------------------------------------------

    async def cluster(self) -> ConfigObject:
        found = await self.run(self.store.objects, "cluster")
        if not found:
            raise OpPrereqError("cluster is not initialised", "wrong_state")
        return found[0]

    async def get(self, kind: str, uuid: str) -> ConfigObject | None:
        return await self.run(self.store.get, kind, uuid)

    async def find(self, kind: str, name: str) -> ConfigObject | None:
        return await self.run(self.store.find, kind, name)

    async def objects(self, kind: str) -> list[ConfigObject]:
        return await self.run(self.store.objects, kind)

    async def node(self, name: str) -> ConfigObject:
        node = await self.find("node", name)
        if node is None:
            raise OpPrereqError(f"Node '{name}' not known", "wrong_input")
        return node

    async def instance(self, name: str) -> ConfigObject:
        inst = await self.find("instance", name)
        if inst is None:
            raise OpPrereqError(f"Instance '{name}' not known", "wrong_input")
        return inst

    async def instance_disks(self, inst: ConfigObject) -> list[ConfigObject]:
        disks = []
        for uuid in inst.data.get("disks", []):
            disk = await self.get("disk", uuid)
            if disk is not None:
                disks.append(disk)
        return disks

    # -- changes ---------------------------------------------------------------

    async def commit(
        self, changes: Sequence[Put | Delete], bump_cluster: bool = False
    ) -> list[ConfigObject]:
        return await self.run(self.store.commit, list(changes), bump_cluster)

    async def serial(self) -> int:
        return await self.run(self.store.cluster_serial)
