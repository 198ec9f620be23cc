"""Our hroller gives Ganeti 3.0.2's reboot groups on every recorded corpus input.

The groups are compared exactly: Ganeti's colouring and splitting are
deterministic, so even the order of nodes inside a group and of equal-size
groups matches (spec §19.2 would allow those to differ). Moves
(`--print-moves`), the graph (`-v -v -v`), the colouring statistics, errors,
exit statuses and `-S` files are compared too (see `compare.py`).
"""

from __future__ import annotations

import pytest

from tests.htools_corpus.hroller import compare

CASES = compare.load_cases("hroller")


def test_corpus_has_recorded_hroller_runs() -> None:
    assert len(CASES) >= 500
    assert {c.run["exit"] for c in CASES} == {0, 1}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hroller_answers_like_ganeti(case: compare.Case) -> None:
    got = compare.ours(case)
    assert (diff := compare.mismatch(got, case.run_result)) is None, diff
