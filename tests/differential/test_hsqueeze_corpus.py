"""Our hsqueeze gives Ganeti 3.0.2's suggestion on every recorded corpus input.

Compared exactly: the action and node list, the `-C` command text (the
rebalancing jobsets, tagging and power commands), `-v -v` candidate lists,
`-S` states before and after, errors and exit statuses (see `compare.py`).
"""

from __future__ import annotations

import pytest

from tests.htools_corpus.hroller import compare

CASES = compare.load_cases("hsqueeze")


def _action(stdout: str) -> str:
    heads = [ln for ln in stdout.splitlines() if ln.startswith("'")]
    return heads[0] if heads else ""


def test_corpus_covers_every_hsqueeze_outcome() -> None:
    outcomes = {_action(c.run["stdout"]) for c in CASES}
    assert {"'Nodes to offline'", "'Nodes to online'", "'No action'"} <= outcomes
    assert any("Onlining all nodes will not yield enough capacity" in c.run["stdout"]
               for c in CASES)
    assert any("gnt-instance migrate -f -n" in c.run["stdout"] for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hsqueeze_answers_like_ganeti(case: compare.Case) -> None:
    got = compare.ours(case)
    assert (diff := compare.mismatch(got, case.run_result)) is None, diff
