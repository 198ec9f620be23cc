"""Hand-written IAllocator requests, one rule each; writes `hand/*.json`.

    python -m tests.htools_corpus.iallocator.hand
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from tests.htools_corpus.iallocator.build import default_ipolicy
from tests.htools_corpus.iallocator.cases import HAND_DIR

Doc = dict[str, Any]


def group(name: str, policy: str = "preferred", nets: list[str] | None = None,
          ipolicy: Doc | None = None) -> Doc:
    return {"name": name, "alloc_policy": policy, "networks": nets or [],
            "ipolicy": ipolicy or default_ipolicy(), "tags": []}


def node(grp: str, mem: int = 32768, free: int | None = None, disk: int = 409600,
         free_disk: int | None = None, cpus: int = 16, tags: list[str] | None = None,
         offline: bool = False, excl: bool = False, spindles: int = 12,
         free_spindles: int | None = None, reserved: int = 1024) -> Doc:
    return {"total_memory": mem, "reserved_memory": reserved,
            "free_memory": mem - reserved if free is None else free,
            "total_disk": disk, "free_disk": disk if free_disk is None else free_disk,
            "total_cpus": cpus, "reserved_cpus": 1, "total_spindles": spindles,
            "free_spindles": spindles if free_spindles is None else free_spindles,
            "offline": offline, "drained": False, "vm_capable": True, "group": grp,
            "tags": tags or [], "ndparams": {"exclusive_storage": excl,
                                             "spindle_count": spindles}}


def inst(nodes: list[str], template: str = "drbd", mem: int = 1024, disk: int = 10240,
         vcpus: int = 1, tags: list[str] | None = None, state: str = "up",
         spindles: int | None = None) -> Doc:
    d: Doc = {"size": disk, "mode": "rw"}
    if spindles is not None:
        d["spindles"] = spindles
    return {"memory": mem, "disk_space_total": disk if template != "diskless" else 0,
            "disks": [d] if template != "diskless" else [], "vcpus": vcpus,
            "tags": tags or [], "disk_template": template, "spindle_use": 1,
            "nics": [{"mac": "aa:00:00:00:00:01", "mode": "bridged", "link": "br0"}],
            "admin_state": state, "nodes": nodes}


def new(name: str, template: str = "drbd", mem: int = 1024, disk: int = 10240, vcpus: int = 1,
        tags: list[str] | None = None, network: str | None = None,
        spindles: int | None = None) -> Doc:
    body = inst([], template, mem, disk, vcpus, tags, spindles=spindles)
    del body["nodes"]
    body["nics"][0]["network"] = network
    body["name"] = name
    body["required_nodes"] = 2 if template == "drbd" else 1
    return body


def cluster(groups: Doc, nodes: Doc, insts: Doc, ctags: list[str] | None = None,
            hv: str = "xen-pvm") -> Doc:
    return {"version": 2, "cluster_name": "hand.example.com", "cluster_tags": ctags or [],
            "enabled_hypervisors": [hv], "ipolicy": default_ipolicy(), "nodegroups": groups,
            "nodes": nodes, "instances": insts}


def _three_empty(order: str) -> Doc:
    return cluster({"g1": group("default")}, {n: node("g1") for n in order}, {})


def _base() -> Doc:
    nodes = {f"node{k}": node("g1", free=32768 - 1024 - 2048 * k) for k in range(1, 5)}
    insts = {
        "inst1": inst(["node1", "node2"], mem=2048),
        "inst2": inst(["node2", "node3"], mem=2048, tags=["service:web"]),
        "inst3": inst(["node3"], template="plain", mem=2048),
        "inst4": inst(["node4"], template="ext", mem=4096),
        "inst5": inst(["node4", "node1"], mem=4096),
        "inst6": inst(["node3"], template="diskless", mem=2048),
    }
    return cluster({"g1": group("default")}, nodes, insts, ["htools:iextags:service"])


def _two_groups() -> Doc:
    doc = _base()
    doc["nodegroups"]["g2"] = group("other", "last_resort", nets=["net-1"])
    for k in range(5, 8):
        doc["nodes"][f"node{k}"] = node("g2", mem=65536)
    doc["instances"]["inst7"] = inst(["node5", "node6"], mem=4096)
    return doc


def _dedicated(existing: dict[str, list[str]]) -> Doc:
    """The spec's lost-allocations example: sizes full, half, quarter."""
    pol = default_ipolicy()
    pol["vcpu-ratio"] = 64.0
    pol["minmax"] = []
    for mem, disk in ((8000, 100000), (4000, 50000), (2000, 25000)):
        lo = {"memory-size": mem, "cpu-count": 1, "disk-size": disk, "disk-count": 1,
              "nic-count": 1, "spindle-use": 1}
        hi = dict(lo, **{"memory-size": 32768, "cpu-count": 8, "disk-size": 1048576,
                         "disk-count": 16, "nic-count": 8, "spindle-use": 12})
        pol["minmax"].append({"min": lo, "max": hi})
    pol["std"] = dict(pol["minmax"][2]["min"])
    sizes = {"quarter": (2000, 25000), "half": (4000, 50000)}
    nodes = {}
    insts = {}
    for nname, contents in existing.items():
        used_mem = sum(sizes[c][0] for c in contents)
        used_dsk = sum(sizes[c][1] for c in contents)
        nodes[nname] = node("g1", mem=8192, free=8192 - used_mem, disk=102400,
                            free_disk=102400 - used_dsk, excl=True, spindles=8,
                            free_spindles=8 - len(contents), reserved=0)
        for k, c in enumerate(contents):
            insts[f"{nname}-{c}-{k}"] = inst([nname], "plain", mem=sizes[c][0],
                                             disk=sizes[c][1], spindles=1)
    return cluster({"g1": group("default", ipolicy=pol)}, nodes, insts)


def _spec_example() -> Doc:
    return _dedicated({"nodeE": [], "nodeQ": ["quarter"], "nodeH": ["half"],
                       "nodeT": ["quarter", "half"]})


def _with(doc: Doc, request: Doc, edit: Callable[[Doc], None] | None = None) -> Doc:
    out = copy.deepcopy(doc)
    out["request"] = request
    if edit is not None:
        edit(out)
    return out


def _bad_node_ref(d: Doc) -> None:
    d["instances"]["inst1"]["nodes"] = ["node1", "nodeX"]


def _negative(d: Doc) -> None:
    d["instances"]["inst3"]["memory"] = -512


def _missing(d: Doc) -> None:
    del d["nodes"]["node2"]["offline"]


def _superfluous(d: Doc) -> None:
    d["nodegroups"]["g1"]["ipolicy"]["memory-ratio"] = 1.5


def _split(d: Doc) -> None:
    d["instances"]["inst7"]["nodes"] = ["node5", "node1"]


def cases() -> dict[str, Doc]:
    """Every hand-written request by name."""
    alloc_drbd = new("new1", "drbd", mem=2048)
    alloc_plain = new("new1", "plain", mem=2048)
    base, two = _base(), _two_groups()
    out = {
        "order-abc-plain": _with(_three_empty("abc"), {"type": "allocate", **new("n1", "plain")}),
        "order-abc-drbd": _with(_three_empty("abc"), {"type": "allocate", **new("n1", "drbd")}),
        "order-cba-plain": _with(_three_empty("cba"), {"type": "allocate", **new("n1", "plain")}),
        "order-cba-drbd": _with(_three_empty("cba"), {"type": "allocate", **new("n1", "drbd")}),
        "alloc-drbd": _with(base, {"type": "allocate", **alloc_drbd}),
        "alloc-plain": _with(base, {"type": "allocate", **alloc_plain}),
        "alloc-excl-tag": _with(base, {"type": "allocate",
                                       **new("new1", "drbd", tags=["service:web"])}),
        "alloc-too-big": _with(base, {"type": "allocate", **new("big", "drbd", mem=30000)}),
        "alloc-policy-fail": _with(base, {"type": "allocate", **new("big", "plain", vcpus=16)}),
        "alloc-three-nodes": _with(base, {"type": "allocate",
                                          **dict(alloc_plain, required_nodes=3)}),
        "alloc-restrict": _with(base, {"type": "allocate", **alloc_drbd,
                                       "restrict-to-nodes": ["node1", "node3"]}),
        "alloc-group": _with(two, {"type": "allocate", **alloc_drbd, "group_name": "other"}),
        "alloc-group-uuid": _with(two, {"type": "allocate", **alloc_drbd, "group_name": "g2"}),
        "alloc-no-group": _with(two, {"type": "allocate", **alloc_drbd,
                                      "group_name": "missing"}),
        "alloc-network": _with(two, {"type": "allocate",
                                     **new("new1", "drbd", network="net-1")}),
        "alloc-network-group": _with(two, {"type": "allocate", "group_name": "default",
                                           **new("new1", "drbd", network="net-1")}),
        "alloc-desired": _with(base, {"type": "allocate", **new("new1", "drbd",
                                                                tags=["want:r2"])},
                               lambda d: (d["cluster_tags"].extend(
                                   ["htools:desiredlocation:want", "htools:nlocation:r"]),
                                   d["nodes"]["node2"]["tags"].append("r2"))),
        "multi": _with(two, {"type": "multi-allocate", "instances": [
            new("m1", "drbd", mem=2048), new("m2", "plain", mem=4096), new("m3", "ext")]}),
        "multi-group": _with(two, {"type": "multi-allocate", "group_name": "default",
                                   "instances": [new("m1", "drbd"),
                                                 new("m2", "drbd", mem=40000)]}),
        "multi-fail": _with(base, {"type": "multi-allocate", "instances": [
            new("m1", "drbd"), new("m2", "drbd", mem=40000)]}),
        "relocate-drbd": _with(base, {"type": "relocate", "name": "inst1",
                                      "required_nodes": 1, "relocate_from": ["node2"]}),
        "relocate-ext": _with(base, {"type": "relocate", "name": "inst4",
                                     "required_nodes": 1, "relocate_from": ["node4"]}),
        "relocate-plain": _with(base, {"type": "relocate", "name": "inst3",
                                       "required_nodes": 1, "relocate_from": ["node3"]}),
        "relocate-wrong-from": _with(base, {"type": "relocate", "name": "inst1",
                                            "required_nodes": 1, "relocate_from": ["node1"]}),
        "relocate-two": _with(base, {"type": "relocate", "name": "inst1",
                                     "required_nodes": 2, "relocate_from": ["node2"]}),
        "evac-all": _with(base, {"type": "node-evacuate", "evac_mode": "all",
                                 "instances": ["inst1", "inst5", "inst3", "inst4", "inst6"]}),
        "evac-secondary": _with(base, {"type": "node-evacuate", "evac_mode": "secondary-only",
                                       "instances": ["inst1", "inst4"]}),
        "evac-primary": _with(base, {"type": "node-evacuate", "evac_mode": "primary-only",
                                     "instances": ["inst5", "inst4", "inst6"]}),
        "change-group": _with(two, {"type": "change-group", "instances": ["inst1", "inst4"],
                                    "target_groups": []}),
        "change-group-named": _with(two, {"type": "change-group", "instances": ["inst7"],
                                          "target_groups": ["default"]}),
        "alloc-secondary": _with(base, {"type": "allocate-secondary", "name": "inst3"}),
        "alloc-secondary-has": _with(base, {"type": "allocate-secondary", "name": "inst1"}),
        "dedicated-quarter": _with(_spec_example(), {"type": "allocate",
                                                     **new("q", "plain", 2000, 25000,
                                                           spindles=1)}),
        "dedicated-half": _with(_spec_example(), {"type": "allocate",
                                                  **new("h", "plain", 4000, 50000,
                                                        spindles=1)}),
        "dedicated-full": _with(_spec_example(), {"type": "allocate",
                                                  **new("f", "plain", 8000, 100000,
                                                        spindles=1)}),
        "dedicated-multi": _with(_spec_example(), {"type": "multi-allocate", "instances": [
            new("q1", "plain", 2000, 25000, spindles=1),
            new("q2", "plain", 2000, 25000, spindles=1),
            new("h1", "plain", 4000, 50000, spindles=1)]}),
        "bad-type": _with(base, {"type": "defragment"}),
        "bad-unknown-node": _with(base, {"type": "allocate", **alloc_plain}, _bad_node_ref),
        "bad-negative": _with(base, {"type": "allocate", **alloc_plain}, _negative),
        "bad-missing-field": _with(base, {"type": "allocate", **alloc_plain}, _missing),
        "bad-ipolicy-key": _with(base, {"type": "allocate", **alloc_plain}, _superfluous),
        "bad-unknown-instance": _with(base, {"type": "relocate", "name": "nope",
                                             "required_nodes": 1, "relocate_from": ["node1"]}),
        "bad-two-groups": _with(two, {"type": "allocate", **alloc_plain}, _split),
        "bad-evac-mode": _with(base, {"type": "node-evacuate", "evac_mode": "sideways",
                                      "instances": ["inst1"]}),
    }
    return out


def main() -> int:
    HAND_DIR.mkdir(exist_ok=True)
    for name, doc in cases().items():
        (HAND_DIR / f"{name}.json").write_text(json.dumps(doc, indent=1) + "\n")
    print(f"{len(cases())} requests written to {HAND_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
