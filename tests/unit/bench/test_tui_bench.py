"""Smoke test of bench/tui_bench.py: every measure runs on a small queue; no timing is checked."""

from __future__ import annotations

import asyncio

from tests.unit.bench.loader import load_bench

bench = load_bench("tui_bench")


def test_every_measure_runs_and_the_report_names_each() -> None:
    figures = asyncio.run(bench.measure(rows=300, burst=120, frames=3))

    assert figures.rows == 300 and len(figures.frame_virtual) == len(figures.frame_datatable) == 3
    assert min(figures.paint_virtual, figures.paint_datatable, figures.burst_by_id,
               figures.burst_by_status, figures.burst_datatable) > 0
    section = bench.report(figures)
    assert section.startswith(bench.BEGIN_MARKER) and section.rstrip().endswith(bench.END_MARKER)
    assert "first paint, 300 jobs" in section and "120 status changes" in section


def test_bad_sizes_are_refused_with_a_usage_error(capsys: object) -> None:
    try:
        bench.main(["--rows", "5", "--no-readme"])
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("--rows 5 was accepted")
