"""hspace against Ganeti's recorded answers (tests/htools_corpus/hspace/records.json).

Machine-readable runs must agree on every `HTS_*` line, scores within the
last printed digit (spec §19.2); human-readable runs line by line with the
same tolerance; exit status and error messages exactly.
"""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from shell.htools import hspace
from tests.htools_corpus.hspace import cases

RECORDS = cases.load_records()
RUNS = [r for r in cases.RUNS if r.id in RECORDS]
NUM = re.compile(r"-?\d+\.\d+")
TOL = 1.5e-8


def run_ours(argv: list[str]) -> tuple[int, str, str]:
    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        code = hspace.main(argv)
    return code, o.getvalue(), e.getvalue()


def _close(a: str, b: str) -> bool:
    """Equal lines, or lines differing only in decimals within the last printed digit."""
    if a == b:
        return True
    if NUM.sub("#", a) != NUM.sub("#", b):
        return False
    xs, ys = NUM.findall(a), NUM.findall(b)
    return all(abs(float(x) - float(y)) <= TOL * max(1.0, abs(float(x)))
               for x, y in zip(xs, ys, strict=True))


def assert_same_output(ours: str, theirs: str) -> None:
    lo, lt = ours.splitlines(), theirs.splitlines()
    for k, (a, b) in enumerate(zip(lo, lt, strict=False)):
        assert _close(a, b), f"line {k + 1}: ours {a!r} != Ganeti's {b!r}"
    assert len(lo) == len(lt), f"ours has {len(lo)} lines, Ganeti's {len(lt)}"


def test_corpus_is_recorded() -> None:
    assert len(RUNS) == len(cases.RUNS), "run tests.htools_corpus.hspace.record"


@pytest.mark.parametrize("run", RUNS, ids=[r.id for r in RUNS])
def test_hspace_matches_ganeti(run: cases.HspaceRun) -> None:
    rec = RECORDS[run.id]
    code, out, err = run_ours(cases.expand(run))
    assert code == rec["exit"], err
    assert_same_output(cases.normalise(out, run), rec["stdout"])
    if rec["exit"] != 0:
        assert cases.normalise(err, run).strip() == rec["stderr"].strip()
