"""Seeded random cluster generator writing Ganeti text-backend (.data) files.

The clusters exercise the htools rules of spec/htools.md: mixed disk
templates, several node groups, offline nodes, exclusive storage, location,
exclusion, desired-location and migration tags, forthcoming instances, CPU
speeds, custom instance policies and dynamic utilisation (`-U` files). The
generator is independent of `agent.htools` so that it can test it.

    python -m tests.htools_corpus.gen --seed 7 --nodes 40 -o /tmp/c.data
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

LOCAL_TEMPLATES = ("drbd", "plain")
ALL_TEMPLATES = (
    "diskless", "file", "sharedfile", "plain", "blockdev", "drbd", "rbd", "ext", "gluster",
)
STATUSES_UP = ("running", "ERROR_up", "ERROR_nodedown", "ERROR_nodeoffline", "ERROR_wrongnode")
STATUSES_DOWN = ("ADMIN_down", "ERROR_down", "USER_down")


@dataclass(frozen=True)
class GenParams:
    """What kind of cluster to generate; every random choice comes from `seed`."""

    seed: int = 1
    nodes: int = 12
    groups: int = 1
    inst_per_node: float = 4.0
    # relative weights of the disk templates
    templates: tuple[tuple[str, float], ...] = (
        ("drbd", 6.0), ("plain", 1.0), ("file", 0.5), ("sharedfile", 0.5),
        ("diskless", 0.5), ("rbd", 0.7), ("ext", 0.5),
    )
    offline_frac: float = 0.05
    down_frac: float = 0.1
    skew: float = 1.5          # >1 piles instances onto the first nodes of a group
    fill: float = 0.6          # target fraction of memory used by primaries
    tags: bool = True          # cluster tags: exclusion, location, desired location, migration
    exclusive_group: bool = False  # make the last group use exclusive storage
    forthcoming_frac: float = 0.0
    cpu_speed: bool = False
    policy: bool = False       # write a custom policy section
    split_frac: float = 0.0    # DRBD secondaries placed in another group
    noise: bool = False        # unexplained memory/disk (load warnings)
    suffix: str = ""           # common domain suffix, e.g. ".example.com"
    homogeneous: bool = False  # all nodes the same size (like hspace --simulate)
    empty_group: bool = False  # add a group without nodes
    util: bool = False         # also produce a dynamic utilisation file


@dataclass
class Node:
    name: str
    group: int
    tmem: int
    nmem: int
    tdsk: int
    tcpu: int
    offline: bool
    master: bool
    spindles: int
    tags: list[str]
    excl: bool
    ncpu: int
    speed: float
    imem: int = 0       # memory of primaries using memory
    used_dsk: int = 0   # disk of local-storage instances (pri and sec)
    used_spn: int = 0   # spindles used (exclusive storage)
    xmem: int = 0
    xdsk: int = 0

    def free_mem(self) -> int:
        return self.tmem - self.nmem - self.imem - self.xmem

    def free_dsk(self) -> int:
        return self.tdsk - self.used_dsk - self.xdsk


@dataclass
class Instance:
    name: str
    mem: int
    dsk: int
    vcpus: int
    status: str
    auto_balance: bool
    pnode: int
    snode: int | None
    template: str
    tags: list[str]
    spindle_use: int
    disk_spindles: int | None
    forthcoming: bool


@dataclass
class Cluster:
    groups: list[tuple[str, str, str, list[str], list[str]]]
    nodes: list[Node]
    instances: list[Instance]
    ctags: list[str]
    policies: list[str] = field(default_factory=list)
    util_lines: list[str] = field(default_factory=list)


def _pick_template(rng: random.Random, p: GenParams) -> str:
    names = [t for t, _ in p.templates]
    weights = [w for _, w in p.templates]
    return rng.choices(names, weights)[0]


def _make_groups(rng: random.Random, p: GenParams) -> list[tuple[str, str, str, list[str], list[str]]]:
    groups = []
    count = p.groups + (1 if p.empty_group else 0)
    for g in range(count):
        policy = "preferred" if g == 0 else rng.choice(["preferred", "preferred", "last_resort", "unallocable"])
        tags = ["env:prod"] if rng.random() < 0.3 else []
        nets = [f"net-uuid-{g:02d}"] if rng.random() < 0.3 else []
        groups.append((f"group-{g + 1:02d}", f"uuid-group-{g + 1:02d}", policy, tags, nets))
    return groups


def _make_nodes(rng: random.Random, p: GenParams) -> list[Node]:
    nodes: list[Node] = []
    per_group = [p.nodes // p.groups + (1 if g < p.nodes % p.groups else 0) for g in range(p.groups)]
    base = (65536, 409600, 16, 12)
    for g, count in enumerate(per_group):
        excl = p.exclusive_group and g == p.groups - 1 and p.groups > 1
        for k in range(count):
            if p.homogeneous:
                tmem, tdsk, tcpu, spn = base
            else:
                tmem = rng.choice([16384, 32768, 65536, 65536, 131072, 262144])
                tdsk = rng.choice([204800, 409600, 1048576, 2097152])
                tcpu = rng.choice([8, 16, 16, 32, 64])
                spn = rng.choice([4, 8, 12, 24])
            offline = rng.random() < p.offline_frac
            tags: list[str] = []
            if p.tags:
                tags.append(f"rack:r{(k % 4) + 1}")
                tags.append(f"power:{'ab'[k % 2]}")
                if rng.random() < 0.5:
                    tags.append(rng.choice(["hv:old", "hv:new"]))
                if rng.random() < 0.1:
                    tags.append("misc:spare")
            nodes.append(Node(
                name=f"node-{g + 1:02d}-{k + 1:03d}{p.suffix}", group=g,
                tmem=tmem, nmem=rng.choice([512, 1024, 2048, 4096]) if not p.homogeneous else 1024,
                tdsk=tdsk, tcpu=tcpu, offline=offline, master=(not nodes),
                spindles=spn, tags=tags, excl=excl,
                ncpu=rng.choice([1, 1, 2]) if not p.homogeneous else 1,
                speed=rng.choice([1.0, 1.0, 1.5, 2.0, 0.75]) if p.cpu_speed else 1.0,
            ))
    return nodes


def _weights(rng: random.Random, count: int, skew: float) -> list[float]:
    weights = [1.0 / (i + 1) ** (skew - 1.0) for i in range(count)]
    rng.shuffle(weights)
    return weights


def _fits(n: Node, mem: int, dsk: int, local: bool, spn: int) -> bool:
    if n.free_mem() - mem < 256:
        return False
    if local and n.free_dsk() - dsk < 1024:
        return False
    return not (n.excl and local and n.used_spn + spn > n.spindles)


def _make_instances(rng: random.Random, p: GenParams, nodes: list[Node]) -> list[Instance]:
    by_group: dict[int, list[int]] = {}
    for i, n in enumerate(nodes):
        by_group.setdefault(n.group, []).append(i)
    weights = {g: _weights(rng, len(ix), p.skew) for g, ix in by_group.items()}
    budget = {i: int((n.tmem - n.nmem) * p.fill) for i, n in enumerate(nodes)}
    target = int(p.nodes * p.inst_per_node)
    instances: list[Instance] = []
    attempts = 0
    while len(instances) < target and attempts < target * 20:
        attempts += 1
        g = rng.choice(list(by_group))
        members = by_group[g]
        pidx = rng.choices(members, weights[g])[0]
        pn = nodes[pidx]
        template = _pick_template(rng, p)
        mem = rng.choice([512, 1024, 1024, 2048, 2048, 4096, 8192])
        dsk = 0 if template == "diskless" else rng.choice([1, 2, 5, 10, 20, 50, 100]) * 1024
        vcpus = rng.choice([1, 1, 2, 2, 4, 8])
        local = template in LOCAL_TEMPLATES
        spn = rng.choice([1, 1, 2])
        forthcoming = rng.random() < p.forthcoming_frac
        r = rng.random()
        if r < p.down_frac * 0.7:
            status = rng.choice(STATUSES_DOWN)
        elif r < p.down_frac * 0.85:
            status = "ADMIN_offline"
        elif r < p.down_frac:
            status = rng.choice(STATUSES_UP[1:])
        else:
            status = "running"
        uses_mem = status in STATUSES_UP and not forthcoming
        if uses_mem and budget[pidx] < mem:
            continue
        if not _fits(pn, mem if uses_mem else 0, dsk, local, spn):
            continue
        snode: int | None = None
        if template == "drbd":
            if len(members) > 64:
                # big groups (bench): a random sample keeps generation linear
                pool = [i for i in rng.sample(members, 32) if i != pidx]
            else:
                pool = [i for i in members if i != pidx]
            if p.split_frac and rng.random() < p.split_frac:
                pool = [i for i in range(len(nodes)) if nodes[i].group != g] or pool
            rng.shuffle(pool)
            for cand in pool:
                if _fits(nodes[cand], 0, dsk, True, spn):
                    snode = cand
                    break
            if snode is None:
                continue
        elif template in ("file", "sharedfile") and rng.random() < 0.05:
            # a secondary recorded for a non-DRBD template is accepted and ignored
            snode = rng.choice([i for i in members if i != pidx] or [pidx])
            if snode == pidx:
                snode = None
        if not forthcoming:
            if uses_mem:
                pn.imem += mem
                budget[pidx] -= mem
            if local:
                pn.used_dsk += dsk
                if snode is not None:
                    nodes[snode].used_dsk += dsk
                if pn.excl:
                    pn.used_spn += spn
                if snode is not None and nodes[snode].excl:
                    nodes[snode].used_spn += spn
        tags: list[str] = []
        if p.tags:
            if rng.random() < 0.3:
                tags.append(f"service:{rng.choice(['web', 'db', 'dns', 'mail', 'cache'])}")
            if rng.random() < 0.15:
                tags.append(f"want:power:{rng.choice('ab')}")
            if rng.random() < 0.1:
                tags.append("owner:team1")
        excl_node = pn.excl or (snode is not None and nodes[snode].excl)
        disk_spindles: int | None = spn if (excl_node or rng.random() < 0.5) else None
        instances.append(Instance(
            name=f"inst-{len(instances) + 1:04d}{p.suffix}", mem=mem, dsk=dsk, vcpus=vcpus,
            status=status, auto_balance=rng.random() > 0.05, pnode=pidx, snode=snode,
            template=template, tags=tags, spindle_use=rng.choice([1, 1, 1, 2]),
            disk_spindles=disk_spindles, forthcoming=forthcoming,
        ))
    return instances


def _policy_lines(rng: random.Random, p: GenParams, groups: list) -> list[str]:
    def ispec(mem: int, cpu: int, dsk: int, dcount: int, nics: int, spn: int) -> str:
        return f"{mem},{cpu},{dsk},{dcount},{nics},{spn}"

    lines = []
    for owner in [""] + [g[0] for g in groups]:
        vcpu = rng.choice([2.0, 4.0, 4.0, 8.0])
        spindle = rng.choice([4.0, 16.0, 32.0, 32.0])
        std = ispec(1024, 1, 10240, 1, 1, 1)
        mm = ispec(128, 1, 1024, 1, 1, 1) + ";" + ispec(32768, 8, 1048576, 16, 8, 12)
        if rng.random() < 0.3:
            mm += ";" + ispec(32768, 8, 1024, 1, 1, 1) + ";" + ispec(65536, 16, 2097152, 16, 8, 24)
        templates = ",".join(ALL_TEMPLATES if rng.random() < 0.7 else ("plain", "drbd", "rbd"))
        lines.append(f"{owner}|{std}|{mm}|{templates}|{vcpu}|{spindle}")
    return lines


def generate(p: GenParams) -> Cluster:
    """Build a random cluster for `p` (deterministic in `p.seed`)."""
    rng = random.Random(p.seed)
    groups = _make_groups(rng, p)
    nodes = _make_nodes(rng, p)
    instances = _make_instances(rng, p, nodes)
    for n in nodes:
        if p.noise and rng.random() < 0.15:
            n.xmem = rng.choice([128, 600, 1500])
        if p.noise and rng.random() < 0.1:
            n.xdsk = rng.choice([512, 2048, 10240])
    ctags: list[str] = []
    if p.tags:
        ctags = ["htools:iextags:service"]
        ctags.append(rng.choice(["htools:nlocation:rack", "htools:nlocation:power"]))
        if rng.random() < 0.6:
            ctags.append("htools:desiredlocation:want:")
        if rng.random() < 0.5:
            ctags += ["htools:migration:hv", "htools:allowmigration:hv:old::hv:new"]
        ctags.append("cluster:misc")
    policies = _policy_lines(rng, p, groups) if p.policy else []
    util_lines: list[str] = []
    if p.util:
        for inst in instances:
            if rng.random() < 0.6:
                vals = [round(rng.uniform(0.0, 4.0), 2) for _ in range(4)]
                util_lines.append(f"{inst.name} {vals[0]} {vals[1]} {vals[2]} {vals[3]}")
        util_lines.append("no-such-instance 1.0 1.0 1.0 1.0")
    return Cluster(groups, nodes, instances, ctags, policies, util_lines)


def _fmt_speed(speed: float) -> str:
    return repr(float(speed))


def serialize(c: Cluster) -> str:
    """Write `c` in the text-backend format (§2 of the spec)."""
    group_lines = [f"{n}|{u}|{pol}|{','.join(t)}|{','.join(nets)}" for n, u, pol, t, nets in c.groups]
    node_lines = []
    for n in c.nodes:
        role = "Y" if n.offline else ("M" if n.master else "N")
        fspn = n.spindles - n.used_spn if n.excl else 0
        node_lines.append("|".join([
            n.name, str(n.tmem), str(n.nmem), str(n.free_mem()), str(n.tdsk), str(n.free_dsk()),
            str(n.tcpu), role, c.groups[n.group][1], str(n.spindles), ",".join(n.tags),
            "Y" if n.excl else "N", str(fspn), str(n.ncpu), _fmt_speed(n.speed),
        ]))
    inst_lines = []
    for i in c.instances:
        inst_lines.append("|".join([
            i.name, str(i.mem), str(i.dsk), str(i.vcpus), i.status, "Y" if i.auto_balance else "N",
            c.nodes[i.pnode].name, "" if i.snode is None else c.nodes[i.snode].name,
            i.template, ",".join(i.tags), str(i.spindle_use),
            "-" if i.disk_spindles is None else str(i.disk_spindles),
            "Y" if i.forthcoming else "N",
        ]))
    sections = [group_lines, node_lines, inst_lines, c.ctags]
    if c.policies:
        sections.append(c.policies)
    return "\n\n".join("\n".join(s) for s in sections) + "\n"


def write(p: GenParams, path: Path) -> list[Path]:
    """Generate and write `path` (and `path.util` when requested); return the files."""
    c = generate(p)
    path.write_text(serialize(c))
    out = [path]
    if c.util_lines:
        upath = path.with_suffix(".util")
        upath.write_text("\n".join(c.util_lines) + "\n")
        out.append(upath)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="generate a random htools text-backend cluster")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--nodes", type=int, default=12)
    ap.add_argument("--groups", type=int, default=1)
    ap.add_argument("--inst-per-node", type=float, default=4.0)
    ap.add_argument("--offline-frac", type=float, default=0.05)
    ap.add_argument("--homogeneous", action="store_true")
    ap.add_argument("--no-tags", action="store_true")
    ap.add_argument("-o", "--output", type=Path, required=True)
    a = ap.parse_args(argv)
    p = GenParams(seed=a.seed, nodes=a.nodes, groups=a.groups, inst_per_node=a.inst_per_node,
                  offline_frac=a.offline_frac, homogeneous=a.homogeneous, tags=not a.no_tags)
    for f in write(p, a.output):
        print(f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
