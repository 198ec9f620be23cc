"""Ganeti's hail and ours, side by side, on every IAllocator request type.

    .venv/bin/python bench/hail_bench.py                       # 200 and 1000 nodes
    .venv/bin/python bench/hail_bench.py --sizes 200 --ganeti-timeout 120

Clusters from `tests/htools_corpus/gen.py` (fixed seed): two node groups,
8 instances per node, mostly DRBD, memory filled so that the cluster is
globally N+1 (capacity checks can succeed). Ganeti's hail runs as a process
(its start-up is a few ms); ours is `agent.htools.iallocator.answer()` in
this process, as the master calls it (request parsing included). Runs of
Ganeti's hail that exceed the timeout are reported as "> T" (the ratio is
then an upper bound). Results: the same success/failure, and where both
succeed the cluster score after our placement must be equal or lower
(`tests/htools_corpus/iallocator/placement.py`). Writes the table into
bench/README.md between the `hail` markers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.htools.iallocator import IAllocOptions, answer  # noqa: E402
from bench.report import fmt_ratio, markdown_table, write_section  # noqa: E402
from tests.htools_corpus.gen import GenParams, generate  # noqa: E402
from tests.htools_corpus.iallocator.build import cluster_document, new_instance  # noqa: E402
from tests.htools_corpus.iallocator.placement import score_after  # noqa: E402

HAIL = Path(os.environ.get("HAIL", "/usr/lib/ganeti/iallocators/hail"))
BEGIN, END = "<!-- hail:begin -->", "<!-- hail:end -->"
NOCAP = ("--no-capacity-checks",)


@dataclass
class Case:
    """One request and the hail arguments it runs with."""

    name: str
    request: dict[str, Any]
    args: tuple[str, ...]


def cases(c: Any) -> list[Case]:
    """The requests of the bench on a generated cluster `c`."""
    import random

    rng = random.Random(5)

    def new(name: str, template: str) -> dict[str, Any]:
        body = new_instance(rng, c, name, template)
        body.update(memory=2048, vcpus=2, tags=[], disk_space_total=20480,
                    disks=[{"size": 20480, "mode": "rw"}])
        body["nics"][0]["network"] = None
        return body

    drbd = [i for i in c.instances if i.template == "drbd" and c.nodes[i.pnode].group == 0]
    node = c.nodes[drbd[0].pnode]
    on_node = [i.name for i in c.instances
               if i.pnode == drbd[0].pnode and i.template not in ("plain", "file")]
    plain = [i for i in c.instances if i.template == "plain"]
    out = [
        Case("allocate drbd (capacity checks)", {"type": "allocate", **new("n1", "drbd")}, ()),
        Case("allocate plain (capacity checks)", {"type": "allocate", **new("n1", "plain")}, ()),
        Case("allocate drbd", {"type": "allocate", **new("n1", "drbd")}, NOCAP),
        Case("allocate plain", {"type": "allocate", **new("n1", "plain")}, NOCAP),
        Case("multi-allocate (3)", {"type": "multi-allocate", "instances": [
            new("m1", "drbd"), new("m2", "plain"), new("m3", "drbd")]}, NOCAP),
        Case("relocate", {"type": "relocate", "name": drbd[1].name, "required_nodes": 1,
                          "relocate_from": [c.nodes[drbd[1].snode].name]}, ()),
        Case(f"node-evacuate ({len(on_node)})", {"type": "node-evacuate", "evac_mode": "all",
                                                 "instances": on_node}, ()),
        Case("change-group (2)", {"type": "change-group", "target_groups": [],
                                  "instances": [drbd[2].name, drbd[3].name]}, NOCAP),
        Case("allocate-secondary (capacity checks)",
             {"type": "allocate-secondary", "name": plain[0].name}, ()),
        Case("allocate-secondary", {"type": "allocate-secondary", "name": plain[0].name},
             NOCAP),
    ]
    assert node.name
    return out


# Runs shorter than this are repeated and their median kept: one run of a sub-second
# request swings by half on a shared machine.
REPEAT_BELOW, REPEATS = 5.0, 3


def run_ganeti(path: Path, args: tuple[str, ...], timeout: float) -> tuple[float, str | None]:
    """Wall time of Ganeti's hail (median of REPEATS when short) and its answer (None at the timeout)."""
    times: list[float] = []
    out = ""
    while True:
        start = time.perf_counter()
        try:
            p = subprocess.run([str(HAIL), *args, str(path)], capture_output=True, text=True,
                               timeout=timeout, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})
        except subprocess.TimeoutExpired:
            return timeout, None
        times.append(time.perf_counter() - start)
        out = p.stdout
        if times[0] >= REPEAT_BELOW or len(times) == REPEATS:
            return statistics.median(times), out


def run_ours(text: str, args: tuple[str, ...]) -> tuple[float, str]:
    """Our in-process time (median of REPEATS when short) and answer."""
    opts = IAllocOptions(capacity="--no-capacity-checks" not in args)
    times: list[float] = []
    while True:
        start = time.perf_counter()
        out = answer(text, opts)
        times.append(time.perf_counter() - start)
        if times[0] >= REPEAT_BELOW or len(times) == REPEATS:
            return statistics.median(times), out


def verdict(text: str, ours: str, theirs: str | None) -> str:
    """How our answer compares with Ganeti's."""
    mine = json.loads(ours)
    if theirs is None:
        return "ok" if mine["success"] else "failed (Ganeti: no answer)"
    gnt = json.loads(theirs)
    if mine["success"] != gnt["success"]:
        return "DIFFERENT success"
    if not mine["success"]:
        return "same failure" if mine == gnt else "both fail"
    if mine == gnt:
        return "identical"
    a, b = score_after(text, ours), score_after(text, theirs)
    return f"score {a:.6f} vs {b:.6f}" + (" (better)" if a < b else "" if a == b else " WORSE")


def fmt(sec: float, timed_out: bool = False) -> str:
    if timed_out:
        return f"> {sec:.0f} s"
    return f"{sec * 1000:.0f} ms" if sec < 1 else f"{sec:.2f} s"


def bench_size(nodes: int, timeout: float) -> list[list[str]]:
    params = GenParams(seed=45, nodes=nodes, groups=2, inst_per_node=8.0, fill=0.15,
                       tags=False, offline_frac=0.0)
    c = generate(params)
    base = cluster_document(c)
    rows = []
    with tempfile.TemporaryDirectory(prefix="hail-bench-") as td:
        for case in cases(c):
            doc = dict(base, request=case.request)
            text = json.dumps(doc)
            path = Path(td) / "request.json"
            path.write_text(text)
            g_sec, g_out = run_ganeti(path, case.args, timeout)
            o_sec, o_out = run_ours(text, case.args)
            ratio = fmt_ratio(o_sec / g_sec) + (" (at most)" if g_out is None else "")
            rows.append([str(nodes), case.name, fmt(g_sec, g_out is None), fmt(o_sec), ratio,
                         verdict(text, o_out, g_out)])
            print(" | ".join(rows[-1]), flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    ap.add_argument("--ganeti-timeout", type=float, default=60.0)
    ap.add_argument("--no-readme", action="store_true", help="do not update bench/README.md")
    a = ap.parse_args(argv)
    if not HAIL.exists():
        print(f"error: {HAIL} not found (apt-get install ganeti-htools)", file=sys.stderr)
        return 1
    rows = []
    for size in a.sizes:
        rows.extend(bench_size(size, a.ganeti_timeout))
    load = os.getloadavg()[0]
    table = markdown_table(["nodes", "request", "Ganeti hail", "ours", "ours/Ganeti",
                            "result"], rows)
    section = "\n".join([
        BEGIN,
        "## hail: IAllocator requests (`bench/hail_bench.py`)",
        "",
        f"Machine: nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average {load:.1f} at the end "
        f"(other work shares the machine); Ganeti runs stopped after {a.ganeti_timeout:.0f} s "
        "(\"> T\": its time is at least T, the ratio at most the one shown). Clusters: two "
        "groups, 8 instances per node; ours in-process (`answer()`, parsing included), "
        "Ganeti's hail as a process; runs under 5 s are the median of 3. Result: \"identical\" answers; \"ok\": ours answered "
        "(success) where Ganeti gave none within the time limit.",
        "",
        table,
        END,
    ])
    if not a.no_readme:
        write_section(section + "\n", BEGIN, END)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
