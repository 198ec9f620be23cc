"""How logical units choose an allocator and phrase their requests."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from agent.errors import OpPrereqError
from agent.master.init import STORE_FILE, init_cluster
from agent.master.lu.allocate import allocator_options, iallocator_or_node, new_instance_request
from agent.store import ConfigObject, SqliteStore


class _Config:
    """Just enough of the master's config for choosing an allocator."""

    def __init__(self, default: str) -> None:
        self._cluster = ConfigObject("cluster", "c", "c", {"default_iallocator": default})

    async def cluster(self) -> ConfigObject:
        return self._cluster


def _choose(default: str, iallocator: str | None, node: Any) -> str | None:
    return asyncio.run(iallocator_or_node(_Config(default), iallocator, node))  # type: ignore[arg-type]


def test_a_given_allocator_is_used() -> None:
    assert _choose("hail", "/opt/alloc", None) == "/opt/alloc"


def test_a_given_node_means_no_allocator() -> None:
    assert _choose("hail", None, "node1") is None


def test_nothing_given_uses_the_cluster_default_and_so_does_a_dot() -> None:
    assert _choose("hail", None, None) == "hail"
    assert _choose("other", ".", None) == "other"
    assert _choose("hail", None, []) == "hail"


def test_both_given_is_refused() -> None:
    with pytest.raises(OpPrereqError, match="Do not specify both, iallocator and node"):
        _choose("hail", "hail", "node1")


def test_nothing_given_and_no_default_is_refused() -> None:
    with pytest.raises(OpPrereqError, match="No iallocator or node given and no cluster-wide default"):
        _choose("", None, None)


def test_new_instance_request_carries_the_filled_backend_values_and_disks() -> None:
    op = {"instance_name": "web9", "disks": [{"size": "1G", "mode": "ro", "spindles": 2}, {"size": 512}],
          "os_type": "noop", "tags": ["a"], "group_name": "default"}
    be = {"maxmem": 2048, "minmem": 1024, "vcpus": 2, "spindle_use": 3}
    nics = [{"mac": "aa:00:00:00:00:01"}]
    request = new_instance_request(op, "drbd", "kvm", be, [1024, 512], nics, "xenvg")
    assert request.required_nodes == 2
    assert (request.memory, request.vcpus, request.spindle_use) == (2048, 2, 3)
    assert [list(d) for d in request.disks][0] == ["size", "mode", "vg", "name", "dev_type", "spindles"]
    assert request.disks == [
        {"size": 1024, "mode": "ro", "vg": "xenvg", "name": None, "dev_type": "drbd", "spindles": 2},
        {"size": 512, "mode": "rw", "vg": "xenvg", "name": None, "dev_type": "drbd"},
    ]
    assert (request.os, request.hypervisor, request.group_name) == ("noop", "kvm", "default")
    assert list(request.tags) == ["a"] and list(request.nics) == nics


def test_cluster_allocator_parameters_become_options() -> None:
    cluster = {"default_iallocator_params": {"ignore-soft-errors": True, "max-cpu": 2, "off": False,
                                             "no-capacity-checks": None}}
    assert allocator_options(cluster) == {"ignore-soft-errors": None, "max-cpu": "2",
                                          "no-capacity-checks": None}
    assert allocator_options({}) == {}


def test_cluster_init_sets_the_built_in_allocator_as_default(tmp_path: Path) -> None:
    init_cluster(tmp_path / "state", "c1", "node1")
    store = SqliteStore(tmp_path / "state" / STORE_FILE)
    try:
        (cluster,) = store.objects("cluster")
    finally:
        store.close()
    assert cluster.data["default_iallocator"] == "hail"


def test_cluster_init_refuses_an_unknown_default_allocator(tmp_path: Path) -> None:
    with pytest.raises(OpPrereqError, match="Invalid default iallocator script 'nosuch' specified"):
        init_cluster(tmp_path / "state", "c1", "node1", default_iallocator="nosuch")
    assert not (tmp_path / "state").exists()
