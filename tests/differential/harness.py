"""Run our hbal/hcheck/hinfo on corpus files and compare with Ganeti's answers.

Our tools run in-process (fast); Ganeti's answers come from the records of
`tests/htools_corpus/record.py` or, for live checks, from /usr/bin. The
comparison rules are spec §19: scores may differ in the last printed digit
(1e-8), the `Loaded cluster ipolicy:` dump is ours, everything else in the
compared sections is exact.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from shell.htools import hbal, hcheck, hinfo
from tests.htools_corpus import cases

MAINS: dict[str, Callable[[Sequence[str]], int]] = {
    "hbal": hbal.main, "hcheck": hcheck.main, "hinfo": hinfo.main,
}
LOAD_ERROR = "Error: failed to load data, aborting:"
SCORE_TOL = 1.5e-8          # last printed digit of %.8f
INITIAL_SCORE_TOL = 1e-6    # brief: initial score equal to 1e-6
STEP_RE = re.compile(r"^\s+(\d+)\. (\S+)\s+(\S+)\s+=> (\S+)\s+(-?[\d.]+|NaN|Infinity) a=(.*)$")
NUM_RE = re.compile(r"-?\d+\.\d+(?:e-?\d+)?")
#: The location our load errors add after Ganeti's sentence: ` ({data}:6, field 'x')`.
LOCATION_RE = re.compile(r" \(\{data\}(?::\d+)?(?:, field '[^']*')?\)$")


@dataclass(frozen=True)
class Result:
    """One tool run: exit status, outputs and captured files (paths normalised)."""

    exit: int
    stdout: str
    stderr: str
    files: dict[str, str]


@dataclass(frozen=True)
class Case:
    """A recorded run of Ganeti's tool on one corpus file."""

    data: Path
    run: dict

    @property
    def id(self) -> str:
        return f"{self.data.stem}/{self.run['id']}"

    @property
    def expected(self) -> Result:
        r = self.run
        return Result(r["exit"], r["stdout"], r["stderr"], r["files"])


def load_cases() -> list[Case]:
    out = []
    for data in cases.corpus_files():
        rec = cases.record_path(data)
        if rec.exists():
            out.extend(Case(data, run) for run in cases.Record.load(rec).runs)
    return out


def run_ours(tool: str, argv: Sequence[str]) -> tuple[int, str, str]:
    """Run one of our tools in-process and capture its output."""
    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        code = MAINS[tool](list(argv))
    return code, o.getvalue(), e.getvalue()


def run_case(data: Path, tool: str, args: Sequence[str], files: Sequence[str],
             runner: Callable[[str, Sequence[str]], tuple[int, str, str]] = run_ours
             ) -> Result:
    """Run a matrix entry with placeholders expanded; outputs normalised back."""
    info = cases.data_info(data)
    util = cases.util_path(data)
    with tempfile.TemporaryDirectory(prefix="htd-") as td:
        tmp = Path(td)
        argv = cases.expand(tuple(args), cases.substitutions(info, data, util, tmp))
        code, out, err = runner(tool, argv)
        got = {}
        for f in files:
            p = tmp / f
            if p.exists():
                got[f] = cases.normalise(p.read_text(), data, util, tmp)
    return Result(code, cases.normalise(out, data, util, tmp),
                  cases.normalise(err, data, util, tmp), got)


_RESULTS: dict[str, Result] = {}


def _job(case: Case) -> tuple[str, Result]:
    r = case.run
    return case.id, run_case(case.data, r["tool"], r["args"], cases.files_written(tuple(r["args"])))


def precompute(all_cases: Sequence[Case], workers: int | None = None) -> None:
    """Run our tools for many cases in parallel processes (results cached for `ours`)."""
    todo = [c for c in all_cases if c.id not in _RESULTS]
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(todo) < 8:
        return
    # slowest files first so the pool finishes evenly
    todo.sort(key=lambda c: -c.data.stat().st_size)
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for cid, res in pool.imap_unordered(_job, todo, chunksize=4):
            _RESULTS[cid] = res


def ours(case: Case) -> Result:
    """Our tool's result for a recorded case (run once, then cached)."""
    if case.id not in _RESULTS:
        _RESULTS[case.id] = _job(case)[1]
    return _RESULTS[case.id]


# -- comparisons -------------------------------------------------------------

def ganeti_part(stderr: str) -> str:
    """stderr without the file/line/field location ours appends to load errors."""
    return "".join(LOCATION_RE.sub("", line) if line.startswith(LOAD_ERROR) else line
                   for line in stderr.splitlines(keepends=True))


def drop_ipolicy(text: str) -> str:
    """Remove the `Loaded cluster ipolicy:` dump (ours differs by design)."""
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith("Loaded cluster ipolicy:"))


def lines_match(ours_text: str, theirs: str, tol: float = SCORE_TOL) -> str | None:
    """None if equal up to `tol` on decimal numbers; else the first differing line pair."""
    a, b = ours_text.splitlines(), theirs.splitlines()
    for k in range(max(len(a), len(b))):
        la = a[k] if k < len(a) else "<missing>"
        lb = b[k] if k < len(b) else "<missing>"
        if la == lb:
            continue
        na, nb = NUM_RE.findall(la), NUM_RE.findall(lb)
        if (NUM_RE.sub("#", la) == NUM_RE.sub("#", lb) and len(na) == len(nb)
                and all(abs(float(x) - float(y)) <= tol for x, y in zip(na, nb, strict=True))):
            continue
        return f"line {k + 1}:\n  ours:   {la!r}\n  ganeti: {lb!r}"
    return None


@dataclass(frozen=True)
class Step:
    number: int
    instance: str
    old: str
    new: str
    score: float
    codes: str


def steps_of(stdout: str) -> list[Step]:
    out = []
    for line in stdout.splitlines():
        m = STEP_RE.match(line)
        if m:
            out.append(Step(int(m[1]), m[2], m[3], m[4], float(m[5]), m[6]))
    return out


def score_line(stdout: str, prefix: str) -> float | None:
    for line in stdout.splitlines():
        if line.startswith(prefix):
            return float(line[len(prefix):].split()[0].rstrip(","))
    return None


def initial_score(stdout: str) -> float | None:
    return score_line(stdout, "Initial score:") or score_line(
        stdout, "Initial coefficients: overall")


def final_score(stdout: str) -> float | None:
    for line in stdout.splitlines():
        if line.startswith("Cluster score improved from"):
            return float(line.split()[-1])
        if line.startswith("Final coefficients:"):
            return float(line.split()[-1])
    steps = steps_of(stdout)
    return steps[-1].score if steps else initial_score(stdout)


def section(text: str, start: str, stop: Callable[[str], bool]) -> str:
    """Lines from the one starting with `start` up to (excluding) the first `stop` line."""
    lines = text.splitlines(keepends=True)
    for k, line in enumerate(lines):
        if line.startswith(start):
            end = next((j for j in range(k + 1, len(lines)) if stop(lines[j])), len(lines))
            return "".join(lines[k:end])
    return ""
