"""IAllocator request documents built from generated clusters (independent of agent.htools).

`cluster_document(cluster)` renders a `gen.Cluster` as the cluster part of a
request; `requests_for(seed, cluster)` adds seeded requests of every type.

    python -m tests.htools_corpus.iallocator.build --seed 3 --nodes 12 --type allocate
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from typing import Any

from tests.htools_corpus.gen import Cluster, GenParams, generate

DEFAULT_MIN = {"memory-size": 128, "cpu-count": 1, "disk-size": 1024, "disk-count": 1,
               "nic-count": 1, "spindle-use": 1}
DEFAULT_MAX = {"memory-size": 32768, "cpu-count": 8, "disk-size": 1048576, "disk-count": 16,
               "nic-count": 8, "spindle-use": 12}
ALL_TEMPLATES = ["diskless", "file", "sharedfile", "plain", "blockdev", "drbd", "rbd", "ext",
                 "gluster"]
_ISPEC_KEYS = ("memory-size", "cpu-count", "disk-size", "disk-count", "nic-count", "spindle-use")
_UP = ("running", "ERROR_up", "ERROR_nodedown", "ERROR_nodeoffline", "ERROR_wrongnode")


def default_ipolicy() -> dict[str, Any]:
    """Ganeti's default instance policy as IAllocator JSON."""
    return {"minmax": [{"min": dict(DEFAULT_MIN), "max": dict(DEFAULT_MAX)}],
            "std": dict(DEFAULT_MIN), "disk-templates": list(ALL_TEMPLATES),
            "vcpu-ratio": 4.0, "spindle-ratio": 32.0}


def _ispec(text: str) -> dict[str, int]:
    return dict(zip(_ISPEC_KEYS, (int(v) for v in text.split(",")), strict=True))


def _policy_from_line(line: str) -> tuple[str, dict[str, Any]]:
    owner, std, mm, dts, vcpu, spindle = line.split("|")
    specs = mm.split(";")
    minmax = [{"min": _ispec(specs[i]), "max": _ispec(specs[i + 1])}
              for i in range(0, len(specs), 2)]
    return owner, {"minmax": minmax, "std": _ispec(std), "disk-templates": dts.split(","),
                   "vcpu-ratio": float(vcpu), "spindle-ratio": float(spindle)}


def _admin_state(status: str) -> str:
    if status == "ADMIN_offline":
        return "offline"
    return "up" if status in _UP else "down"


def cluster_document(c: Cluster, hypervisor: str = "kvm") -> dict[str, Any]:
    """The cluster part of a request (no `request` key yet)."""
    policies = dict(_policy_from_line(line) for line in c.policies)
    groups = {}
    for name, uuid, pol, tags, nets in c.groups:
        groups[uuid] = {"name": name, "alloc_policy": pol, "networks": list(nets),
                        "ipolicy": policies.get(name, default_ipolicy()), "tags": list(tags)}
    nodes = {}
    for n in c.nodes:
        fspn = n.spindles - n.used_spn if n.excl else 0
        nodes[n.name] = {
            "total_memory": n.tmem, "reserved_memory": n.nmem, "free_memory": n.free_mem(),
            "total_disk": n.tdsk, "free_disk": n.free_dsk(), "total_cpus": n.tcpu,
            "reserved_cpus": n.ncpu, "total_spindles": n.spindles, "free_spindles": fspn,
            "offline": n.offline, "drained": False, "master_candidate": True,
            "vm_capable": True, "group": c.groups[n.group][1], "tags": list(n.tags),
            "ndparams": {"exclusive_storage": n.excl, "spindle_count": n.spindles,
                         "oob_program": None},
            "primary_ip": f"192.0.2.{len(nodes) % 250 + 1}",
        }
    insts = {}
    for i in c.instances:
        node_names = [c.nodes[i.pnode].name]
        if i.snode is not None:
            node_names.append(c.nodes[i.snode].name)
        disks = [] if i.template == "diskless" else [{"size": i.dsk, "mode": "rw"}]
        if disks and i.disk_spindles is not None:
            disks[0]["spindles"] = i.disk_spindles
        insts[i.name] = {
            "memory": i.mem, "disk_space_total": i.dsk, "disks": disks, "vcpus": i.vcpus,
            "tags": list(i.tags), "disk_template": i.template, "spindle_use": i.spindle_use,
            "nics": [{"mac": "aa:00:00:00:00:01", "ip": None, "mode": "bridged",
                      "link": "br0", "network": None}],
            "admin_state": _admin_state(i.status), "nodes": node_names,
            "forthcoming": i.forthcoming, "hypervisor": hypervisor, "os": "debian",
        }
    return {"version": 2, "cluster_name": "cluster.example.com",
            "cluster_tags": list(c.ctags), "enabled_hypervisors": [hypervisor],
            "ipolicy": policies.get("", default_ipolicy()), "nodegroups": groups,
            "nodes": nodes, "instances": insts}


# -- requests -------------------------------------------------------------------

def new_instance(rng: random.Random, c: Cluster, name: str, template: str) -> dict[str, Any]:
    """The instance fields of a creation request."""
    mem = rng.choice([512, 1024, 2048, 4096, 8192])
    dsk = 0 if template == "diskless" else rng.choice([1, 5, 10, 50, 100]) * 1024
    tags = []
    if rng.random() < 0.3:
        tags.append(f"service:{rng.choice(['web', 'db', 'dns'])}")
    if rng.random() < 0.3:
        tags.append(f"want:power:{rng.choice('ab')}")
    net = None
    nets = [n for g in c.groups for n in g[4]]
    if nets and rng.random() < 0.3:
        net = rng.choice(nets)
    return {"name": name, "memory": mem, "disk_space_total": dsk,
            "disks": [] if template == "diskless" else [{"size": dsk, "mode": "rw"}],
            "vcpus": rng.choice([1, 2, 4]), "tags": tags, "disk_template": template,
            "spindle_use": 1, "os": "debian", "hypervisor": "kvm",
            "nics": [{"mac": "aa:00:00:00:00:99", "ip": None, "mode": "bridged",
                      "link": "br0", "network": net}],
            "required_nodes": 2 if template == "drbd" else 1}


def _template(rng: random.Random) -> str:
    return rng.choice(["drbd", "drbd", "drbd", "plain", "plain", "ext", "rbd", "diskless",
                       "sharedfile", "file"])


def _online_groups(c: Cluster) -> list[str]:
    return sorted({c.groups[n.group][0] for n in c.nodes})


def request_allocate(rng: random.Random, c: Cluster) -> dict[str, Any]:
    req = {"type": "allocate", **new_instance(rng, c, "new-inst-1.example.com", _template(rng))}
    if rng.random() < 0.25:
        req["group_name"] = rng.choice(_online_groups(c))
    if rng.random() < 0.15:
        req["restrict-to-nodes"] = [n.name for n in rng.sample(c.nodes, max(2, len(c.nodes) // 3))]
    return req


def request_multi(rng: random.Random, c: Cluster) -> dict[str, Any]:
    count = rng.randint(2, 4)
    req: dict[str, Any] = {"type": "multi-allocate", "instances": [
        new_instance(rng, c, f"new-inst-{k + 1}.example.com", _template(rng))
        for k in range(count)]}
    if rng.random() < 0.2:
        req["group_name"] = rng.choice(_online_groups(c))
    return req


def request_relocate(rng: random.Random, c: Cluster) -> dict[str, Any]:
    mirrored = [i for i in c.instances if i.template in ("drbd", "ext", "rbd", "sharedfile")]
    inst = rng.choice(mirrored or c.instances)
    if inst.template == "drbd" and inst.snode is not None:
        rfrom = [c.nodes[inst.snode].name]
    else:
        rfrom = [c.nodes[inst.pnode].name]
    return {"type": "relocate", "name": inst.name, "required_nodes": 1, "relocate_from": rfrom}


def request_evacuate(rng: random.Random, c: Cluster) -> dict[str, Any]:
    node = rng.randrange(len(c.nodes))
    mode = rng.choice(["primary-only", "secondary-only", "all"])
    names = []
    for i in c.instances:
        if mode != "secondary-only" and i.pnode == node:
            names.append(i.name)
        if mode != "primary-only" and i.template == "drbd" and i.snode == node:
            names.append(i.name)
    if mode == "primary-only":
        names = [n for n in names if next(x for x in c.instances if x.name == n).template
                 not in ("plain", "file")] or names
    return {"type": "node-evacuate", "instances": names, "evac_mode": mode}


def request_change_group(rng: random.Random, c: Cluster) -> dict[str, Any]:
    groups = sorted({n.group for n in c.nodes})
    g = rng.choice(groups)
    members = [i for i in c.instances if c.nodes[i.pnode].group == g]
    picked = rng.sample(members, min(len(members), rng.randint(1, 3))) if members else []
    targets: list[str] = []
    others = [c.groups[x][rng.choice([0, 1])] for x in range(len(c.groups)) if x != g]
    if others and rng.random() < 0.5:
        targets = rng.sample(others, rng.randint(1, len(others)))
    return {"type": "change-group", "instances": [i.name for i in picked],
            "target_groups": targets}


def request_allocate_secondary(rng: random.Random, c: Cluster) -> dict[str, Any]:
    plain = [i for i in c.instances if i.template == "plain"]
    inst = rng.choice(plain or c.instances)
    return {"type": "allocate-secondary", "name": inst.name}


BUILDERS = {
    "allocate": request_allocate,
    "multi-allocate": request_multi,
    "relocate": request_relocate,
    "node-evacuate": request_evacuate,
    "change-group": request_change_group,
    "allocate-secondary": request_allocate_secondary,
}


def build_request(params: GenParams, kind: str, seed: int) -> dict[str, Any]:
    """A whole request document: a generated cluster and one seeded request of `kind`."""
    c = generate(params)
    doc = cluster_document(c)
    doc["request"] = BUILDERS[kind](random.Random(seed), c)
    return doc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="write one generated IAllocator request")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--nodes", type=int, default=12)
    ap.add_argument("--groups", type=int, default=1)
    ap.add_argument("--inst-per-node", type=float, default=4.0)
    ap.add_argument("--type", choices=sorted(BUILDERS), default="allocate")
    a = ap.parse_args(argv)
    params = GenParams(seed=a.seed, nodes=a.nodes, groups=a.groups, inst_per_node=a.inst_per_node)
    json.dump(build_request(params, a.type, a.seed), sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
