"""hspace benchmark: ours next to Ganeti's /usr/bin/hspace on simulated DRBD clusters.

    .venv/bin/python bench/hspace_bench.py            # 200 and 1,000 nodes, writes README
    .venv/bin/python bench/hspace_bench.py --sizes 200 --no-write

Two workloads per cluster size, both `hspace --simulate p,N,1t,64g,16
--disk-template drbd --machine-readable -l L`:

- *tiered*: the default tiered specs (the policy's max spec, shrunk until
  it fits), then the standard allocation;
- *standard*: `--tiered-alloc` equal to the standard spec, so both phases are
  the fixed-size loop.

Both tools run in this process's run, one after the other; CPU time is
compared (the machine is shared, wall time is shown too) and every `HTS_*`
line must be equal. Figures go into bench/README.md between the `hspace`
markers.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import fmt_ratio, fmt_time, markdown_table, write_section  # noqa: E402
from shell.htools import hspace  # noqa: E402

REAL = Path(os.environ.get("HTOOLS_BIN", "/usr/bin")) / "hspace"
BEGIN, END = "<!-- hspace:begin -->", "<!-- hspace:end -->"
LIMITS = {200: 50, 1000: 2}
# Small clusters, whole runs with the default tiered specs: thousands of one-unit shrinks.
SMALL = [("p,2,1t,64g,16", "drbd"), ("p,3,100g,8g,4", "drbd"), ("p,6,500g,32g,8", "plain"),
         ("p,6,500g,32g,8", "drbd")]


@dataclass
class Timing:
    cpu: float
    wall: float
    out: str


def args_for(nodes: int, limit: int, mode: str) -> list[str]:
    argv = ["--simulate", f"p,{nodes},1t,64g,16", "--disk-template", "drbd",
            "--machine-readable", "-l", str(limit)]
    if mode == "standard":
        argv += ["--tiered-alloc", "1024,128,1"]
    return argv


def run_ganeti(argv: list[str]) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run([str(REAL), *argv], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(cpu, wall, p.stdout)


def run_ours(argv: list[str]) -> Timing:
    o = io.StringIO()
    c0, t0 = time.process_time(), time.perf_counter()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(io.StringIO()):
        code = hspace.main(argv)
    wall = time.perf_counter() - t0
    if code != 0:
        raise SystemExit(f"our hspace failed on {argv}")
    return Timing(time.process_time() - c0, wall, o.getvalue())


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    ap.add_argument("--no-write", action="store_true", help="print only, leave README alone")
    ap.add_argument("--no-small", action="store_true", help="skip the small-cluster runs")
    ns = ap.parse_args(argv)
    if not REAL.exists():
        print(f"{REAL} not found: install ganeti-htools", file=sys.stderr)
        return 1
    rows = []
    for nodes in ns.sizes:
        limit = LIMITS.get(nodes, 10)
        for mode in ("tiered", "standard"):
            cmd = args_for(nodes, limit, mode)
            theirs = run_ganeti(cmd)
            ours = run_ours(cmd)
            equal = ours.out == theirs.out
            ratio = ours.cpu / theirs.cpu if theirs.cpu else float("inf")
            row = [f"{nodes}", mode, f"{limit}", fmt_time(theirs.cpu), fmt_time(ours.cpu),
                   fmt_ratio(ratio), f"{fmt_time(theirs.wall)} / {fmt_time(ours.wall)}",
                   "yes" if equal else "NO"]
            print(" | ".join(row), flush=True)
            rows.append(row)
    table = markdown_table(["nodes", "workload", "-l", "Ganeti CPU", "ours CPU", "ours/Ganeti",
                            "wall Ganeti / ours", "HTS_* equal"], rows)
    small = []
    for sim, template in ([] if ns.no_small else SMALL):
        cmd = ["--simulate", sim, "--disk-template", template, "--machine-readable"]
        theirs = run_ganeti(cmd)
        ours = run_ours(cmd)
        row = [f"`{sim}`", template, fmt_time(theirs.cpu), fmt_time(ours.cpu),
               fmt_ratio(ours.cpu / theirs.cpu if theirs.cpu else float("inf")),
               f"{fmt_time(theirs.wall)} / {fmt_time(ours.wall)}",
               "yes" if ours.out == theirs.out else "NO"]
        print(" | ".join(row), flush=True)
        small.append(row)
    small_table = markdown_table(["--simulate", "template", "Ganeti CPU", "ours CPU",
                                  "ours/Ganeti", "wall Ganeti / ours", "output equal"], small)
    section = "\n".join([
        BEGIN, "## hspace", "",
        "`hspace --simulate p,N,1t,64g,16 --disk-template drbd --machine-readable -l L`, ours "
        "(in-process) next to Ganeti 3.0.2's `/usr/bin/hspace` in the same run; *tiered* uses "
        "the default tiered specs, *standard* sets `--tiered-alloc` to the standard spec. "
        "Written by `bench/hspace_bench.py`; do not edit by hand between the `hspace` markers.",
        "", table, "",
        "Small clusters, whole runs (no `-l`) with the default tiered specs, which shrink "
        "the policy's max spec one unit at a time (256 MiB of disk, 64 MiB of memory) "
        "until it fits: every shrink is a whole allocation attempt.", "",
        small_table if small else "(not run)", END])
    if not ns.no_write:
        write_section(section, BEGIN, END)
    else:
        print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
