"""Against the real hsqueeze, live: seeded power-management clusters generated at test time.

Runs only where Ganeti's htools are installed (/usr/bin/hsqueeze). The
clusters (mostly externally mirrored instances, standby-tagged offline
nodes) differ from the recorded corpus; the suggestion, the `-C` commands
and the `-S` states are compared exactly.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.differential import harness
from tests.htools_corpus.gen import GenParams
from tests.htools_corpus.hroller import cases, compare

REAL = Path("/usr/bin/hsqueeze")
pytestmark = pytest.mark.skipif(shutil.which(str(REAL)) is None,
                                reason="Ganeti's hsqueeze is not installed")

EXTERNAL = (("ext", 3.0), ("rbd", 2.0), ("diskless", 0.2))
CLUSTERS = [
    cases.PowerParams(GenParams(seed=9201, nodes=7, inst_per_node=2.0, fill=0.3,
                                templates=EXTERNAL, offline_frac=0.3)),
    cases.PowerParams(GenParams(seed=9202, nodes=9, inst_per_node=3.0, fill=0.95,
                                templates=EXTERNAL, offline_frac=0.3, down_frac=0.0),
                      standby_frac=1.0),
    cases.PowerParams(GenParams(seed=9203, nodes=10, groups=2, inst_per_node=2.0, fill=0.5,
                                templates=(("ext", 3.0), ("drbd", 1.0), ("file", 0.3)),
                                offline_frac=0.2)),
]
OPTIONS = [
    ("-C", "-v", "-v"),
    ("--minimal-resources=5", "--target-resources=3", "-C"),
    ("-S", "{tmp}/state", "-C{tmp}/cmds.sh"),
]


def _real(tool: str, argv: Sequence[str]) -> tuple[int, str, str]:
    p = subprocess.run([str(REAL.parent / tool), *argv], capture_output=True, text=True,
                       timeout=600)
    return p.returncode, p.stdout, p.stderr


@pytest.fixture(scope="module")
def clusters(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    base = tmp_path_factory.mktemp("hsqueeze-live")
    out = []
    for p in CLUSTERS:
        path = base / f"live-{p.gen.seed}.data"
        path.write_text(cases.power_text(p))
        out.append(path)
    return out


@pytest.mark.parametrize("args", OPTIONS, ids=[" ".join(a) for a in OPTIONS])
@pytest.mark.parametrize("which", range(len(CLUSTERS)),
                         ids=[f"seed{p.gen.seed}" for p in CLUSTERS])
def test_live_hsqueeze_matches_real_ganeti(clusters: list[Path], which: int,
                                           args: tuple[str, ...]) -> None:
    argv = ("-t", "{data}", *args)
    files = cases.files_written(argv)
    theirs = harness.run_case(clusters[which], "hsqueeze", argv, files, runner=_real)
    mine = harness.run_case(clusters[which], "hsqueeze", argv, files, runner=compare.run_ours)
    assert (diff := compare.mismatch(mine, theirs)) is None, diff
