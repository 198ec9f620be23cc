"""Our hail against Ganeti's real hail, live, on requests generated at test time.

Runs only where /usr/lib/ganeti/iallocators/hail is installed; the same rules
as the recorded corpus (test_hail_corpus.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.differential.test_hail_corpus import check_against
from tests.htools_corpus.gen import GenParams
from tests.htools_corpus.iallocator.build import build_request
from tests.htools_corpus.iallocator.cases import KINDS
from tests.htools_corpus.iallocator.record import HAIL, run_hail

pytestmark = pytest.mark.skipif(not HAIL.exists(), reason="Ganeti's hail is not installed")

CLUSTERS = [
    GenParams(seed=7001, nodes=8, groups=2, inst_per_node=3.0, fill=0.3),
    GenParams(seed=7002, nodes=10, inst_per_node=3.0, fill=0.45, policy=True),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("params", CLUSTERS, ids=lambda p: f"seed{p.seed}")
@pytest.mark.parametrize("args", [[], ["--no-capacity-checks"]], ids=["capacity", "nocap"])
def test_hail_live_against_ganeti(tmp_path: Path, params: GenParams, kind: str,
                                  args: list[str]) -> None:
    request = tmp_path / f"{kind}.json"
    request.write_text(json.dumps(build_request(params, kind, params.seed + len(kind))))
    code, out, err = run_hail([*args, str(request)])
    check_against(request, args, code, out, err)


# groups big enough for the array paths of relocate and node-evacuate (MIN_VECTOR_NODES)
WIDE = GenParams(seed=7003, nodes=36, groups=2, inst_per_node=4.0, fill=0.55)


@pytest.mark.parametrize("seed", range(7100, 7106))
@pytest.mark.parametrize("kind", ["relocate", "node-evacuate"])
def test_hail_live_moves_on_wide_groups(tmp_path: Path, kind: str, seed: int) -> None:
    request = tmp_path / f"{kind}.json"
    request.write_text(json.dumps(build_request(WIDE, kind, seed)))
    code, out, err = run_hail(["--no-capacity-checks", str(request)])
    check_against(request, ["--no-capacity-checks"], code, out, err)
