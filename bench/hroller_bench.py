"""Ganeti's hroller and hsqueeze and ours, side by side, at 200 and 1,000 nodes.

    .venv/bin/python bench/hroller_bench.py
    .venv/bin/python bench/hroller_bench.py --sizes 200 --ganeti-timeout 60 --no-readme

hroller runs on a generated cluster (8 DRBD instances per node, one group,
room enough for a full evacuation: non-redundant instances would all be
moved to the first node that fits, which then blocks the migrations). hsqueeze
runs on the same cluster (hardly any node can be powered off there) and on
a consolidation cluster: nodes with two plain instances each, which stay,
and 8 spare nodes with two externally mirrored instances each, which can
all be emptied and powered off. Every command is a fresh process
(start-up counted); outputs are compared byte for byte when both finish.
Ganeti runs over the timeout count as "> T". Writes its figures into
bench/README.md between the `hroller` markers.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from htools_bench import Sample, fmt_s, run  # noqa: E402
from report import markdown_table, write_section  # noqa: E402

from tests.htools_corpus.gen import GenParams, write  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
OURS = {t: [PY, "-m", f"shell.htools.{t}"] for t in ("hroller", "hsqueeze")}
THEIRS = {t: [f"/usr/bin/{t}"] for t in ("hroller", "hsqueeze")}
BEGIN, END = "<!-- hroller:begin -->", "<!-- hroller:end -->"
SPARES = 8


def roller_cluster(nodes: int, workdir: Path) -> Path:
    """The generated cluster for hroller (seed 72000 + nodes)."""
    path = workdir / f"roller-{nodes}.data"
    write(GenParams(seed=72000 + nodes, nodes=nodes, inst_per_node=8.0, fill=0.15,
                    homogeneous=True, offline_frac=0.0, skew=1.0,
                    templates=(("drbd", 1.0),)), path)
    return path


def squeeze_cluster(nodes: int, workdir: Path) -> Path:
    """Nodes of a few sizes where only the last `SPARES` hold (movable) external instances.

    The spares' disks carry as much unexplained use as the others' plain
    instances, so that only memory and the offline nodes drive the balancing.
    """
    lines = ["default|uuid-default|preferred||", ""]
    insts = []
    for k in range(1, nodes + 1):
        name = f"node-{k:04d}"
        spare = k > nodes - SPARES
        flag = "M" if k == 1 else "N"
        tmem = 49152 + 2048 * (k * 37 % 17)
        lines.append(f"{name}|{tmem}|1024|{tmem - 9216}|1048576|946176|32|{flag}|uuid-default|16|")
        template = "ext" if spare else "plain"
        for j in range(2):
            insts.append(f"inst-{k:04d}-{j}|4096|51200|2|running|Y|{name}||{template}||1")
    path = workdir / f"squeeze-{nodes}.data"
    path.write_text("\n".join(lines + [""] + insts + ["", ""]))
    return path


@dataclass
class Row:
    what: str
    ours: Sample
    theirs: Sample

    def ratio(self) -> str:
        r = self.ours.seconds / self.theirs.seconds
        return f"< {r:.3f}" if self.theirs.timed_out else f"{r:.3f}"

    def note(self) -> str:
        if self.theirs.timed_out:
            return "Ganeti timed out"
        same = self.ours.stdout == self.theirs.stdout and self.ours.exit == self.theirs.exit
        return "same output" if same else "OUTPUT DIFFERS"


def outcome(stdout: str) -> str:
    """The first line that says what was found (a header or an error-free summary)."""
    lines = stdout.splitlines()
    heads = [ln for ln in lines if ln.startswith("'")]
    if heads and heads[0] in ("'Nodes to offline'", "'Nodes to online'"):
        names = lines[lines.index(heads[0]) + 1:]
        count = next((k for k, ln in enumerate(names) if not ln or ln.startswith(" ")),
                     len(names))
        return f"{heads[0].strip(chr(39))}: {count}"
    groups = [ln for ln in lines if ln and not ln.startswith(("'", " "))]
    return f"{len(groups)} reboot groups" if heads and "Reboot" in heads[0] else (
        heads[0].strip("'") if heads else "error")


def bench_size(nodes: int, workdir: Path, timeout: float) -> list[tuple[int, Row, str]]:
    roller = str(roller_cluster(nodes, workdir))
    squeeze = str(squeeze_cluster(nodes, workdir))
    out = []
    runs = [
        ("hroller", roller, []),
        ("hroller", roller, ["--full-evacuation", "--print-moves"]),
        ("hroller", roller, ["--offline-maintenance"]),
        ("hsqueeze", roller, ["-C"]),
        ("hsqueeze", squeeze, ["-C"]),
    ]
    for tool, data, extra in runs:
        ours = run(OURS[tool] + ["-t", data] + extra, 3600)
        theirs = run(THEIRS[tool] + ["-t", data] + extra, timeout)
        what = " ".join([tool, *extra]) + (" (consolidation)" if data == squeeze else "")
        row = Row(what, ours, theirs)
        out.append((nodes, row, outcome(ours.stdout)))
        print(f"  {nodes:5d} {what:<48} ours {fmt_s(ours.seconds):>9} "
              f"ganeti {theirs.time_text():>9}  ratio {row.ratio():>8}  {row.note()}", flush=True)
    return out


def section(rows: list[tuple[int, Row, str]], timeout: float, took: float) -> str:
    table = markdown_table(
        ["Nodes", "Command", "Ours", "Ours RSS", "Ganeti", "Ganeti RSS", "Ours/Ganeti",
         "Result (ours)", "Comparison"],
        [[f"{n:,}", r.what, fmt_s(r.ours.seconds), f"{r.ours.rss_mib:.0f} MiB",
          r.theirs.time_text(), f"{r.theirs.rss_mib:.0f} MiB", r.ratio(), res, r.note()]
         for n, r, res in rows])
    return "\n".join([
        BEGIN, "## htools: hroller and hsqueeze against Ganeti 3.0.2", "",
        "Written by `bench/hroller_bench.py` (`.venv/bin/python bench/hroller_bench.py`, "
        f"{took / 60:.0f} min); do not edit by hand between the `hroller` markers.", "",
        f"Machine: nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average {os.getloadavg()[0]:.1f} at "
        f"the end (other work shares the machine); Ganeti runs stopped after {timeout:.0f} s "
        "(\"> T\": at least T, the ratio at most the one shown).", "",
        "hroller: generated cluster, one group, 8 DRBD instances per node, "
        "seed 72000 + nodes. hsqueeze: the same cluster, and a consolidation cluster of "
        f"nodes of a few memory sizes where {SPARES} spares hold only externally mirrored instances (each "
        "candidate set costs a full rebalancing with no minimum gain, which is what makes "
        "Ganeti's hsqueeze slow). Fresh process per row, start-up included; outputs compared "
        "byte for byte where Ganeti finished.", "",
        table, END, ""])


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    ap.add_argument("--ganeti-timeout", type=float, default=120.0)
    ap.add_argument("--no-readme", action="store_true")
    args = ap.parse_args()
    if not Path("/usr/bin/hroller").exists():
        print("error: Ganeti's htools are not installed (/usr/bin/hroller)", file=sys.stderr)
        return 1
    start = time.perf_counter()
    rows: list[tuple[int, Row, str]] = []
    with tempfile.TemporaryDirectory(prefix="hroller-bench-") as td:
        for n in args.sizes:
            rows += bench_size(n, Path(td), args.ganeti_timeout)
    text = section(rows, args.ganeti_timeout, time.perf_counter() - start)
    print(text)
    if not args.no_readme:
        write_section(text, BEGIN, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
