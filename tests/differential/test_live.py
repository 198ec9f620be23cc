"""Against the real Ganeti tools, live: seeded clusters generated at test time.

Runs only where Ganeti's htools are installed (/usr/bin/hbal). Compared:
exit status, hinfo's score line, hbal's step lines and final score,
hcheck's machine-readable keys (scores to the last printed digit).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.differential import harness as h
from tests.htools_corpus.gen import GenParams, write

REAL = Path("/usr/bin")
pytestmark = pytest.mark.skipif(shutil.which(str(REAL / "hbal")) is None,
                                reason="Ganeti's htools are not installed")

SEEDS = [
    GenParams(seed=5001, nodes=6, inst_per_node=4.0),
    GenParams(seed=5002, nodes=9, inst_per_node=3.0, offline_frac=0.2, cpu_speed=True),
    GenParams(seed=5003, nodes=8, inst_per_node=4.0, policy=True, forthcoming_frac=0.1),
]
RUNS = [
    ("hinfo", ("-t", "{data}")),
    ("hbal", ("-t", "{data}", "-C")),
    ("hbal", ("-t", "{data}", "--ignore-dynu", "--no-disk-moves")),
    ("hcheck", ("-t", "{data}", "--machine-readable")),
]


def _real(tool: str, argv: Sequence[str]) -> tuple[int, str, str]:
    p = subprocess.run([str(REAL / tool), *argv], capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


@pytest.fixture(scope="module")
def clusters(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    base = tmp_path_factory.mktemp("live")
    return [write(p, base / f"live-{p.seed}.data")[0] for p in SEEDS]


@pytest.mark.parametrize("run", RUNS, ids=[f"{t}{' '.join(a[2:])}" for t, a in RUNS])
@pytest.mark.parametrize("which", range(len(SEEDS)), ids=[f"seed{p.seed}" for p in SEEDS])
def test_live_run_matches_real_ganeti(clusters: list[Path], which: int,
                                      run: tuple[str, tuple[str, ...]]) -> None:
    tool, args = run
    data = clusters[which]
    theirs = h.run_case(data, tool, args, (), runner=_real)
    mine = h.run_case(data, tool, args, ())
    assert mine.exit == theirs.exit
    assert (diff := h.lines_match(h.drop_ipolicy(mine.stdout),
                                  h.drop_ipolicy(theirs.stdout))) is None, diff
    if tool == "hbal":
        assert h.final_score(mine.stdout) <= h.final_score(theirs.stdout) + h.SCORE_TOL
