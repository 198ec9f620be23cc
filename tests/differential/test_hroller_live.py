"""Against the real hroller, live: seeded clusters generated at test time.

Runs only where Ganeti's htools are installed (/usr/bin/hroller). The
clusters differ from the recorded corpus (other seeds, sizes up to 60
nodes, several groups, offline nodes, split instances); every option
combination is compared exactly (groups, moves, statistics, exit status).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.differential import harness
from tests.htools_corpus.gen import GenParams, write
from tests.htools_corpus.hroller import compare

REAL = Path("/usr/bin/hroller")
pytestmark = pytest.mark.skipif(shutil.which(str(REAL)) is None,
                                reason="Ganeti's hroller is not installed")

CLUSTERS = [
    GenParams(seed=9101, nodes=14, inst_per_node=4.0, offline_frac=0.15),
    GenParams(seed=9102, nodes=24, groups=3, inst_per_node=6.0, split_frac=0.05, fill=0.8),
    GenParams(seed=9103, nodes=40, inst_per_node=8.0, fill=0.5,
              templates=(("drbd", 3.0), ("plain", 1.0), ("ext", 1.0))),
    GenParams(seed=9104, nodes=60, groups=2, inst_per_node=3.0, fill=0.3, offline_frac=0.05,
              homogeneous=True, templates=(("drbd", 3.0), ("plain", 1.0), ("ext", 1.0))),
]
OPTIONS = [
    ("-v", "-v", "--print-moves"),
    ("--full-evacuation", "--print-moves"),
    ("--offline-maintenance", "--full-evacuation", "--print-moves"),
    ("--skip-non-redundant", "--one-step-only", "--print-moves"),
    ("--ignore-non-redundant", "--node-tags=rack:r2,rack:r3", "--print-moves"),
    ("-G", "group-02", "--full-evacuation", "--print-moves", "-O", "node-02-001"),
]


def _real(tool: str, argv: Sequence[str]) -> tuple[int, str, str]:
    p = subprocess.run([str(REAL.parent / tool), *argv], capture_output=True, text=True,
                       timeout=300)
    return p.returncode, p.stdout, p.stderr


@pytest.fixture(scope="module")
def clusters(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    base = tmp_path_factory.mktemp("hroller-live")
    return [write(p, base / f"live-{p.seed}.data")[0] for p in CLUSTERS]


@pytest.mark.parametrize("args", OPTIONS, ids=[" ".join(a) for a in OPTIONS])
@pytest.mark.parametrize("which", range(len(CLUSTERS)), ids=[f"seed{p.seed}" for p in CLUSTERS])
def test_live_hroller_matches_real_ganeti(clusters: list[Path], which: int,
                                          args: tuple[str, ...]) -> None:
    argv = ("-t", "{data}", *args)
    theirs = harness.run_case(clusters[which], "hroller", argv, (), runner=_real)
    mine = harness.run_case(clusters[which], "hroller", argv, (), runner=compare.run_ours)
    assert (diff := compare.mismatch(mine, theirs)) is None, diff
