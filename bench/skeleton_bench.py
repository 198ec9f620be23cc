"""Walking-skeleton bench: start-up, a one-shot CLI call, demo start and store latency.

Every figure is shown next to a reference measured in the same run, so the ratios
mean something on any machine. ``.venv/bin/python bench/skeleton_bench.py`` prints
the tables and rewrites the "Walking skeleton" section of ``bench/README.md``. The
configuration the store is measured on is built by ``skeleton_config.py``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import fmt_ratio, fmt_time, markdown_table, write_section  # noqa: E402
from skeleton_config import (  # noqa: E402
    NODES,
    ganeti_config_document,
    populate,
)

from agent.store import Put, SqliteStore

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
GANETI_SHELL = str(BIN / "ganeti-shell")
README = ROOT / "bench" / "README.md"
BEGIN_MARKER = "<!-- skeleton:begin -->"
END_MARKER = "<!-- skeleton:end -->"

JSON_BUDGET_S = 3.0  # per size and operation: the whole-document reference is slow at 10,000


class BenchError(Exception):
    """A measured command failed, so its timing would mean nothing."""


# -- statistics and formatting ------------------------------------------------


def median_p99(samples: Sequence[float]) -> tuple[float, float]:
    """Median and nearest-rank 99th percentile."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]








# -- processes ----------------------------------------------------------------


@dataclass(frozen=True)
class ProcessFigure:
    """Wall time of one command next to the reference measured alongside it."""

    label: str
    samples: tuple[float, ...]
    reference: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def reference_median(self) -> float:
        return statistics.median(self.reference)

    @property
    def ratio(self) -> float:
        return self.median / self.reference_median


def _run_timed(
    cmd: Sequence[str], env: dict[str, str] | None = None, timeout: float = 60.0
) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        timeout=timeout,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise BenchError(
            f"{' '.join(cmd)} exited with {proc.returncode}: "
            f"{proc.stderr.decode(errors='replace').strip()}"
        )
    return elapsed


def time_commands(
    commands: dict[str, Sequence[str]], runs: int, env: dict[str, str] | None = None
) -> dict[str, list[float]]:
    """Run the commands round-robin ``runs`` times after one warm-up each, so drift hits all alike."""
    for cmd in commands.values():
        _run_timed(cmd, env)
    samples: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, cmd in commands.items():
            samples[label].append(_run_timed(cmd, env))
    return samples


def gnt_instance_command() -> list[str]:
    link = BIN / "gnt-instance"
    return [str(link), "list"] if link.exists() else [GANETI_SHELL, "instance", "list"]


@contextmanager
def demo_cluster(state_dir: Path) -> Iterator[tuple[float, str]]:
    """Start a fresh detached demo cluster; yield (seconds to ready, master address); stop it."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [GANETI_SHELL, "demo", "--detach", "--state-dir", str(state_dir)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise BenchError(f"demo --detach failed: {proc.stderr.strip()}")
        address = next(
            (
                line.split("=", 1)[1]
                for line in proc.stdout.splitlines()
                if line.startswith("GANETI_SHELL_MASTER=")
            ),
            None,
        )
        if address is None:
            raise BenchError(f"demo --detach printed no master address: {proc.stdout!r}")
        yield elapsed, address
    finally:
        stop_demo(state_dir)


def stop_demo(state_dir: Path) -> None:
    """``demo --stop``, then SIGKILL any agent of this state dir that outlived it."""
    if (state_dir / "demo.json").exists():
        subprocess.run(
            [GANETI_SHELL, "demo", "--stop", "--state-dir", str(state_dir)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
        )
    for pid_file in state_dir.glob("node*/agent.pid"):
        try:
            pid = int(pid_file.read_text())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if str(state_dir).encode() in cmdline:  # our agent, not a recycled pid
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def measure_processes(runs: int, demo_runs: int) -> list[ProcessFigure]:
    """Start-up, one-shot ``gnt-instance list`` against a demo master, and demo start time."""
    started = time_commands(
        {
            "pass": [PYTHON, "-c", "pass"],
            "binary": [GANETI_SHELL, "--version"],
            "module": [PYTHON, "-m", "shell", "--version"],
        },
        runs,
    )
    reference = tuple(started["pass"])
    figures = [
        ProcessFigure("`ganeti-shell --version`", tuple(started["binary"]), reference),
        ProcessFigure("`python -m shell --version`", tuple(started["module"]), reference),
    ]
    demo_times: list[float] = []
    list_cmd = gnt_instance_command()
    with tempfile.TemporaryDirectory(prefix="skeleton-bench-demo-") as tmp:
        for index in range(demo_runs):
            with demo_cluster(Path(tmp) / f"demo{index}") as (elapsed, address):
                demo_times.append(elapsed)
                if index == 0:
                    env = {**os.environ, "GANETI_SHELL_MASTER": address}
                    listed = time_commands(
                        {"pass": [PYTHON, "-c", "pass"], "list": list_cmd}, runs, env
                    )
                    label = (
                        f"`{' '.join([Path(list_cmd[0]).name, *list_cmd[1:]])}` (demo, 4 instances)"
                    )
                    figures.append(
                        ProcessFigure(label, tuple(listed["list"]), tuple(listed["pass"]))
                    )
    figures.append(
        ProcessFigure("`demo --detach` to a ready 3-node cluster", tuple(demo_times), reference)
    )
    return figures


# -- the store ----------------------------------------------------------------


@dataclass(frozen=True)
class StoreFigure:
    """Per-operation latency of one store operation with ``instances`` in the config."""

    operation: str
    instances: int
    samples: tuple[float, ...]
    config_bytes: int  # the size of the same configuration as one JSON config.data

    @property
    def median(self) -> float:
        return median_p99(self.samples)[0]

    @property
    def p99(self) -> float:
        return median_p99(self.samples)[1]


FIND, GET, COMMIT = "SqliteStore.find", "SqliteStore.get", "SqliteStore.commit(Put)"
JSON_READ, JSON_WRITE = "JSON config.data: parse all, read one", "JSON config.data: write all"
STORE_OPERATIONS = (FIND, GET, COMMIT, JSON_READ, JSON_WRITE)


@dataclass
class _SizedConfig:
    """One configuration under test: its open store, the same config as JSON, and what to touch."""

    size: int
    store: SqliteStore
    config_data: Path
    document: dict[str, Any]
    names: list[str]
    uuids: list[str]
    to_change: list[str]

    def find(self, i: int) -> None:
        if self.store.find("instance", self.names[i]) is None:
            raise BenchError(f"instance {self.names[i]} not found")

    def get(self, i: int) -> None:
        if self.store.get("instance", self.uuids[i]) is None:
            raise BenchError(f"instance {self.uuids[i]} not found")

    def change(self, i: int) -> float:
        """Commit one changed instance; return the seconds the commit alone took."""
        obj = self.store.get("instance", self.to_change[i])
        if obj is None:
            raise BenchError(f"instance {self.to_change[i]} not found")
        obj.data["admin_state"] = "down" if obj.data["admin_state"] == "up" else "up"
        obj.data["tags"] = [*obj.data["tags"][:2], f"bench:{i}"]
        start = time.perf_counter()
        self.store.commit([Put(obj)])  # serial_no is the one just read: the serial check passes
        return time.perf_counter() - start

    def json_read(self, i: int) -> None:
        config = json.loads(self.config_data.read_text())
        if not any(o["name"] == self.names[i] for o in config["instances"].values()):
            raise BenchError(f"instance {self.names[i]} not in config.data")

    def json_write(self, i: int) -> None:
        # Ganeti's way: serialise everything, write a temporary file, fsync, rename over.
        self.document["serial_no"] += 1
        tmp = self.config_data.with_suffix(".tmp")
        with open(tmp, "w") as f:
            f.write(json.dumps(self.document))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.config_data)


def _prepare(size: int, reads: int, commits: int, workdir: Path) -> _SizedConfig:
    rng = random.Random(size)
    db_path = workdir / "config.db"
    store = SqliteStore(db_path, create=True)
    try:
        instances = populate(store, size, rng)
    finally:
        store.close()  # the last close checkpoints the WAL: measure a settled file, as after a restart
    store = SqliteStore(db_path)
    document = ganeti_config_document(store)
    config_data = workdir / "config.data"
    config_data.write_text(json.dumps(document))
    config = _SizedConfig(
        size,
        store,
        config_data,
        document,
        names=[rng.choice(instances).name for _ in range(reads)],
        uuids=[rng.choice(instances).uuid for _ in range(reads)],
        to_change=[rng.choice(instances).uuid for _ in range(commits)],
    )
    for i in range(min(reads, 200)):  # warm-up: a running master has its pages cached
        config.find(i)
        config.get(i)
    return config


def _interleaved(
    configs: Sequence[_SizedConfig],
    count: int,
    op: Callable[[_SizedConfig, int], float | None],
    chunk: int = 1,
    budget: float | None = None,
) -> dict[int, list[float]]:
    """Time ``op`` ``count`` times per config, alternating configs every ``chunk`` operations.

    Alternating spreads the machine's drift over all sizes alike. ``op`` may return its own
    duration (to leave its preparation out). With ``budget``, stop after that many seconds
    once every config has at least 10 samples.
    """
    samples: dict[int, list[float]] = {c.size: [] for c in configs}
    deadline = time.perf_counter() + budget if budget else math.inf
    for first in range(0, count, chunk):
        for config in configs:
            for i in range(first, min(count, first + chunk)):
                start = time.perf_counter()
                own = op(config, i)
                samples[config.size].append(own if own is not None else time.perf_counter() - start)
        if first + chunk >= 10 and time.perf_counter() > deadline:
            break
    return samples


def measure_store(
    sizes: Sequence[int] = (10, 10_000),
    reads: int = 2000,
    commits: int = 200,
    tmp_root: Path | None = None,
) -> list[StoreFigure]:
    """Read and commit latency with each size of config, and the whole-JSON reference."""
    with tempfile.TemporaryDirectory(prefix="skeleton-bench-store-", dir=tmp_root) as tmp:
        configs: list[_SizedConfig] = []
        try:
            for size in sizes:
                workdir = Path(tmp) / str(size)
                workdir.mkdir()
                configs.append(_prepare(size, reads, commits, workdir))
            runs = {
                FIND: _interleaved(configs, reads, _SizedConfig.find, chunk=50),
                GET: _interleaved(configs, reads, _SizedConfig.get, chunk=50),
                COMMIT: _interleaved(configs, commits, _SizedConfig.change),
                JSON_READ: _interleaved(
                    configs, reads, _SizedConfig.json_read, budget=JSON_BUDGET_S
                ),
                JSON_WRITE: _interleaved(
                    configs, commits, _SizedConfig.json_write, budget=JSON_BUDGET_S
                ),
            }
        finally:
            for config in configs:
                config.store.close()
    config_bytes = {c.size: len(json.dumps(c.document)) for c in configs}
    return [
        StoreFigure(op, size, tuple(samples), config_bytes[size])
        for op, by_size in runs.items()
        for size, samples in by_size.items()
    ]


# -- report -------------------------------------------------------------------


def process_table(figures: Sequence[ProcessFigure]) -> str:
    rows = [
        [
            f.label,
            fmt_time(f.median),
            str(len(f.samples)),
            fmt_time(f.reference_median),
            fmt_ratio(f.ratio),
        ]
        for f in figures
    ]
    return markdown_table(["Command", "Median", "Runs", "`python -c pass`", "Ratio"], rows)


def store_table(figures: Sequence[StoreFigure], sizes: Sequence[int]) -> str:
    small, large = min(sizes), max(sizes)
    by_key = {(f.operation, f.instances): f for f in figures}
    header = [
        "Operation",
        f"{small:,}: median",
        "p99",
        f"{large:,}: median",
        "p99",
        "n",
        f"Median {large:,}/{small:,}",
        f"p99 {large:,}/{small:,}",
    ]
    rows = []
    for op in STORE_OPERATIONS:
        a, b = by_key[(op, small)], by_key[(op, large)]
        rows.append(
            [
                op,
                fmt_time(a.median),
                fmt_time(a.p99),
                fmt_time(b.median),
                fmt_time(b.p99),
                f"{len(a.samples)}/{len(b.samples)}",
                fmt_ratio(b.median / a.median),
                fmt_ratio(b.p99 / a.p99),
            ]
        )
    sizes_line = ", ".join(
        f"{by_key[(STORE_OPERATIONS[0], n)].config_bytes / 1e6:.2f} MB with {n:,} instances"
        for n in (small, large)
    )
    return markdown_table(header, rows) + f"\n\nThe JSON config.data is {sizes_line}."


def machine_line() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    return (
        f"Machine: nproc {cpus}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()} ({platform.machine()}), "
        f"SQLite {sqlite3.sqlite_version}; temp files in "
        f"{tempfile.gettempdir()}; load average {os.getloadavg()[0]:.1f} at the end "
        f"(other work shares the machine); run on {today}."
    )


def readme_section(
    processes: str, store: str, runs: int, demo_runs: int, sizes: Sequence[int], elapsed: float
) -> str:
    small, large = f"{min(sizes):,}", f"{max(sizes):,}"
    return f"""{BEGIN_MARKER}
## Walking skeleton

Written by `bench/skeleton_bench.py` (`.venv/bin/python bench/skeleton_bench.py`, about
{elapsed:.0f} s); do not edit by hand between the `skeleton` markers.

{machine_line()}

### Processes

Wall time of one process, median of {runs} runs (the demo: {demo_runs} runs, each on a fresh
state dir, until `demo --detach` returns with 3 agents up, 2 nodes joined and 4 instances
created). The reference is `python -c pass` with the same interpreter, run round-robin with
the command it is compared to.

{processes}

### Store

Per-operation latency with {small} and {large} instances in the configuration (each
instance with 2 disk objects and 1 NIC, {NODES} nodes; the store is filled, closed and
reopened, then warmed with 200 reads of each kind). `find` looks an instance up by name,
`get` by UUID, both at random; `commit(Put)` changes one instance read just before, with
its serial check, in one `synchronous=FULL` transaction. The sizes are measured
alternately, so the machine's drift hits both alike.

For scale, the same for Ganeti's way: one JSON `config.data` holding the whole
configuration, parsed entirely to read one instance, and serialised, written, fsynced and
renamed entirely for any change. The JSON rows stop after {JSON_BUDGET_S:.0f} s of samples
for all sizes together, so their `n` is smaller and their p99 is close to their maximum.

The ratios {large}/{small} should stay near 1 for the store, and grow with the
configuration for the JSON document.

{store}
{END_MARKER}
"""


def write_readme_section(section: str, path: Path = README) -> None:
    """Replace this bench's section of bench/README.md, leaving every other section alone."""
    write_section(section, BEGIN_MARKER, END_MARKER, path)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=20, help="runs per process timing (default 20)")
    p.add_argument("--demo-runs", type=int, default=3, help="demo start-ups (default 3)")
    p.add_argument("--reads", type=int, default=2000, help="store reads per size (default 2000)")
    p.add_argument("--commits", type=int, default=200, help="store commits per size (default 200)")
    p.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[10, 10_000],
        help="instance counts, comma-separated (default 10,10000)",
    )
    p.add_argument("--no-readme", action="store_true", help="print only, leave bench/README.md")
    args = p.parse_args(argv)
    started = time.perf_counter()
    try:
        processes = process_table(measure_processes(args.runs, args.demo_runs))
        print(processes, end="\n\n", flush=True)
        store = store_table(measure_store(args.sizes, args.reads, args.commits), args.sizes)
        print(store, end="\n\n")
    except BenchError as exc:
        print(f"skeleton_bench: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    print(machine_line())
    print(f"Total {elapsed:.0f} s.")
    if not args.no_readme:
        write_readme_section(
            readme_section(processes, store, args.runs, args.demo_runs, args.sizes, elapsed)
        )
        print(f"Updated {README.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
