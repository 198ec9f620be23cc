"""hspace side by side with Ganeti's /usr/bin/hspace on seeded random simulated clusters.

Skipped where Ganeti's htools are not installed; the recorded corpus
(`test_hspace_corpus.py`) covers that case.
"""

from __future__ import annotations

import random
import shutil
import subprocess

import pytest

from tests.differential.test_hspace_corpus import assert_same_output, run_ours

REAL = shutil.which("hspace", path="/usr/bin")
pytestmark = pytest.mark.skipif(REAL is None, reason="Ganeti's hspace is not installed")


def _random_args(seed: int) -> list[str]:
    rnd = random.Random(seed)
    args: list[str] = []
    for _ in range(rnd.randint(1, 2)):
        pol = rnd.choice("ppa")
        nodes = rnd.randint(2, 6)
        args += ["--simulate", f"{pol},{nodes},{rnd.choice([40, 80, 120])}g,"
                 f"{rnd.choice([4, 8, 16])}g,{rnd.choice([2, 4, 8])}"]
    template = rnd.choice(["drbd", "plain", "drbd"])
    tmem, tdsk = rnd.choice([2, 3, 4]), rnd.choice([10, 20, 30])
    args += ["--disk-template", template, "--machine-readable",
             "--tiered-alloc", f"{tdsk}g,{tmem}g,2", "--standard-alloc", f"{tdsk // 2}g,1g,1",
             "-l", str(rnd.randint(3, 15))]
    return args


@pytest.mark.parametrize("seed", range(10))
def test_random_simulated_cluster_matches_ganeti(seed: int) -> None:
    argv = _random_args(seed)
    assert REAL is not None
    real = subprocess.run([REAL, *argv], capture_output=True, text=True, timeout=300)
    code, out, err = run_ours(argv)
    assert code == real.returncode, err
    assert_same_output(out, real.stdout)
