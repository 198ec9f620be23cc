"""Run our hroller/hsqueeze on corpus inputs and compare with Ganeti's recorded answers.

Exact comparison (spec §19.1): exit status, stdout, stderr and the files
written (`-S` states, `-C` scripts). Two kinds of message are ours by design
and compared by their first words only: load errors (the library names file,
line and field after Ganeti's `Error: failed to load data, aborting:`) and
command-line parse errors (one line; Ganeti appends its usage text).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from shell.htools import hroller, hsqueeze
from tests.differential import harness
from tests.htools_corpus.hroller import cases

MAINS: dict[str, Callable[[Sequence[str]], int]] = {
    "hroller": hroller.main, "hsqueeze": hsqueeze.main,
}
LOAD_ERROR = "Error: failed to load data, aborting:"
CLI_ERRORS = ("Command line error:", "Error while parsing command line arguments:")


@dataclass(frozen=True)
class Case:
    """One recorded run of Ganeti's tool on an input."""

    data: Path
    run: dict

    @property
    def id(self) -> str:
        return f"{self.data.stem}/{self.run['id']}"

    @property
    def tool(self) -> str:
        return str(self.run["tool"])

    @property
    def run_result(self) -> harness.Result:
        """Ganeti's recorded answer."""
        r = self.run
        return harness.Result(r["exit"], r["stdout"], r["stderr"], r["files"])


def load_cases(tool: str) -> list[Case]:
    """Every recorded run of `tool`, inputs in corpus order."""
    out = []
    for data in cases.inputs():
        rec = cases.record_path(data)
        if rec.exists():
            out.extend(Case(data, r) for r in cases.Record.load(rec).runs if r["tool"] == tool)
    return out


def run_ours(tool: str, argv: Sequence[str]) -> tuple[int, str, str]:
    """One of our tools in-process: (exit status, stdout, stderr)."""
    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        code = MAINS[tool](list(argv))
    return code, o.getvalue(), e.getvalue()


def ours(case: Case) -> harness.Result:
    """Our answer to a recorded case (placeholders expanded, paths normalised back)."""
    args = tuple(case.run["args"])
    return harness.run_case(case.data, case.tool, args, cases.files_written(args),
                            runner=run_ours)


def mismatch(got: harness.Result, want: harness.Result) -> str | None:
    """None when `got` answers like `want`; else what differs first."""
    if got.exit != want.exit:
        return f"exit {got.exit} != {want.exit}; stderr: {got.stderr!r}"
    if "Traceback" in got.stderr:
        return f"traceback: {got.stderr}"
    if want.stderr.startswith(CLI_ERRORS):
        lines = got.stderr.splitlines()
        if len(lines) != 1 or lines[0].split(":")[0] != want.stderr.split(":")[0]:
            return f"command-line error {got.stderr!r} vs {want.stderr!r}"
        return None
    if got.stdout != want.stdout:
        return _first_diff("stdout", got.stdout, want.stdout)
    if LOAD_ERROR in want.stderr:
        last = (got.stderr.splitlines() or [""])[-1]
        return None if last.startswith(LOAD_ERROR) else f"load error: {got.stderr!r}"
    if got.stderr != want.stderr:
        return _first_diff("stderr", got.stderr, want.stderr)
    if sorted(got.files) != sorted(want.files):
        return f"files {sorted(got.files)} != {sorted(want.files)}"
    for name, text in want.files.items():
        if got.files[name] != text:
            return _first_diff(name, got.files[name], text)
    return None


def _first_diff(what: str, a: str, b: str) -> str:
    la, lb = a.splitlines(), b.splitlines()
    for k in range(max(len(la), len(lb))):
        x = la[k] if k < len(la) else "<missing>"
        y = lb[k] if k < len(lb) else "<missing>"
        if x != y:
            return f"{what} line {k + 1}:\n  ours:   {x!r}\n  ganeti: {y!r}"
    return f"{what}: trailing newline differs"


def reboot_groups(stdout: str) -> list[list[str]]:
    """The node groups of hroller's output (header and move lines dropped)."""
    return [line.split(",") if line else [] for line in stdout.splitlines()
            if not line.startswith(("'", "  ", "Node Graph:", "Dcolor:", "Dsatur:", "LF:"))]
