"""Front-end speed: REPL completion with 10,000 instances, and start-up of the shell and the binary.

References measured in the same run: prompt-toolkit's stock ``FuzzyWordCompleter``
over the same names (completion), ``python -c pass`` (start-up).

    .venv/bin/python bench/frontend_bench.py [--binary dist/ganeti-shell/ganeti-shell] [--write]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import fmt_ratio, fmt_time, markdown_table, percentile, write_section  # noqa: E402

INSTANCES = 10_000
TYPED = ("instance startup ", "instance startup web", "instance startup web42", "gnt-instance remove db99",
         "instance info w1")


class TenThousand:
    """A master that knows 10,000 instances (answers like ClusterClient.query)."""

    def __init__(self, count: int) -> None:
        kinds = ("web", "db", "batch", "cache")
        self.instances = [{"name": f"{kinds[i % 4]}{i}.example.com", "pnode": f"node{i % 200}.example.com"}
                          for i in range(count)]

    def query(self, kind: str, names: list[str] | None = None, live: bool = False) -> list[dict[str, Any]]:
        return self.instances if kind == "instance" else []

    def get_jobs(self, job_ids: list[int] | None = None) -> tuple[list[dict[str, Any]], list[int]]:
        return [], []

    def query_filters(self, uuids: list[str] | None = None) -> list[dict[str, Any]]:
        return []


def _time_each(fn: Callable[[str], int], words: tuple[str, ...], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for text in words:
            t0 = time.perf_counter()
            fn(text)
            samples.append(time.perf_counter() - t0)
    return samples


def completion(rounds: int) -> list[list[str]]:
    from prompt_toolkit.completion import CompleteEvent, FuzzyWordCompleter
    from prompt_toolkit.document import Document

    from shell.repl.completer import TreeCompleter
    from shell.repl.live import LiveNames

    source = TenThousand(INSTANCES)
    ours = TreeCompleter(LiveNames(lambda: source))
    names = [i["name"] for i in source.instances]
    stock = FuzzyWordCompleter(names)

    def run_ours(text: str) -> int:
        return len(list(ours.get_completions(Document(text), CompleteEvent())))

    def run_stock(text: str) -> int:
        word = text.rsplit(" ", 1)[-1]
        return len(list(stock.get_completions(Document(word), CompleteEvent())))

    run_ours(TYPED[0])  # names fetched once and cached, as while an operator types
    ours_t = _time_each(run_ours, TYPED, rounds)
    stock_t = _time_each(run_stock, TYPED, rounds)
    rows = []
    for label, samples in (("ours (TreeCompleter, fuzzy, live names)", ours_t),
                           ("prompt-toolkit FuzzyWordCompleter, same names", stock_t)):
        rows.append([label, fmt_time(statistics.median(samples)), fmt_time(percentile(samples, 99)),
                     fmt_ratio(statistics.median(samples) / statistics.median(stock_t))])
    return rows


def _spawn_until(argv: list[str], marker: bytes | None, env: dict[str, str]) -> float:
    """Seconds from spawn until ``marker`` appears on the terminal (or the process exits)."""
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execvpe(argv[0], argv, env)
    seen = b""
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 30)
            if not ready:
                raise RuntimeError(f"{argv}: nothing within 30 s")
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            if b"\x1b[6n" in chunk:  # answer the cursor position request as a terminal does
                os.write(fd, b"\x1b[1;1R")
            seen += chunk
            if marker is not None and marker in seen:
                break
        return time.perf_counter() - t0
    finally:
        if marker is not None:
            os.write(fd, b"\x04")  # Ctrl-D ends the shell
        os.waitpid(pid, 0)
        os.close(fd)


def startup(binary: str | None, repeats: int) -> list[list[str]]:
    env = {**os.environ, "GANETI_SHELL_MASTER": "unix:/nonexistent/master.sock", "TERM": "xterm",
           "GANETI_SHELL_HISTORY": "/dev/null"}
    cases: list[tuple[str, list[str], bytes | None]] = [
        ("`python -c pass` (reference)", [sys.executable, "-c", "pass"], None),
        ("`python -m shell --version`", [sys.executable, "-m", "shell", "--version"], None),
        ("`python -m shell`: first REPL prompt", [sys.executable, "-m", "shell"], b"ganeti>"),
    ]
    if binary:
        cases += [
            ("binary `--version`", [binary, "--version"], None),
            ("binary: first REPL prompt", [binary], b"ganeti>"),
        ]
    medians = {}
    for label, argv, marker in cases:
        _spawn_until(argv, marker, env)  # warm the page cache
        medians[label] = statistics.median(_spawn_until(argv, marker, env) for _ in range(repeats))
    ref = medians[cases[0][0]]
    return [[label, fmt_time(t), fmt_ratio(t / ref)] for label, t in medians.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", help="the built binary (make binary)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--write", action="store_true", help="write the figures into bench/README.md")
    args = parser.parse_args()
    binary = args.binary
    if binary is None and Path("dist/ganeti-shell/ganeti-shell").exists():
        binary = "dist/ganeti-shell/ganeti-shell"
    comp = completion(args.rounds)
    start = startup(binary, args.repeats)
    size = ""
    if binary:
        total = sum(p.stat().st_size for p in Path(binary).parent.rglob("*") if p.is_file() and not p.is_symlink())
        size = f"The binary (`make binary`, one directory) is {total / 2**20:.0f} MiB.\n\n"
    section = (
        "<!-- frontend:begin -->\n## Front end: REPL completion and start-up\n\n"
        f"`bench/frontend_bench.py`, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs.\n\n"
        f"Completion of a typed line with {INSTANCES:,} instances known to the master (names cached, "
        f"as while typing; {len(TYPED)} lines × {args.rounds} rounds):\n\n"
        + markdown_table(["completer", "median", "p99", "vs stock"], comp)
        + "\n\nStart-up, from spawn in a pseudo-terminal to the output (median of "
        f"{args.repeats}; no master reachable):\n\n"
        + markdown_table(["what", "median", "vs python -c pass"], start)
        + "\n\n" + size + "<!-- frontend:end -->\n"
    )
    print(section)
    if args.write:
        write_section(section, "<!-- frontend:begin -->", "<!-- frontend:end -->")


if __name__ == "__main__":
    main()
