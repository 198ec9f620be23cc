"""Smoke tests of bench/frontend_bench.py: each measurement runs on tiny inputs; no timing is checked."""

from __future__ import annotations

import sys

from tests.unit.bench.loader import load_bench

bench = load_bench("frontend_bench")


def test_completion_rows_compare_ours_with_the_stock_completer() -> None:
    rows = bench.completion(rounds=1)
    assert [row[0].split()[0] for row in rows] == ["ours", "prompt-toolkit"]
    assert rows[1][3] == "×1.00"


def test_spawn_in_a_pseudo_terminal_waits_for_the_marker() -> None:
    assert bench._spawn_until([sys.executable, "-c", "print('ready>')"], b"ready>", {}) > 0
    assert bench._spawn_until([sys.executable, "-c", "pass"], None, {}) > 0
