"""Smoke tests of bench/queue_bench.py and its modules: its in-process parts run at tiny sizes; no timing is checked."""

from __future__ import annotations

import json
import random
from pathlib import Path

from tests.unit.bench.loader import load_bench

bench = load_bench("queue_bench")
cluster = load_bench("queue_cluster")
report = load_bench("queue_report")
submission = load_bench("queue_submission")


def test_filter_measurement_covers_each_rule_count_on_fresh_jobs() -> None:
    figures = bench.measure_filters(rule_counts=(0, 100), jobs=20, repeats=2)

    assert [f.rules for f in figures] == [0, 100]
    assert all(len(f.seconds_per_job) == 2 and f.median > 0 for f in figures)
    assert figures[0].matched == 0 and 0 < figures[1].matched < 1
    assert "100 rules" in report.filter_table(figures)


def test_realistic_rules_are_valid_and_mostly_match_nothing() -> None:
    rng = random.Random(1)
    rules = bench.realistic_rules(100, rng)
    jobs = bench.sample_jobs(200, 900, rng)

    assert len({r.uuid for r in rules}) == 100
    assert {p[0] for r in rules for p in r.predicates} == {"jobid", "opcode", "reason"}
    evaluated = [r for r in rules if r.kind != "CONTINUE"]  # CONTINUE rules are never consulted
    matching = {r.uuid for r in evaluated for job in jobs if r.matches(job)}
    assert 0 < len(matching) <= len(evaluated) // 5


def test_scheduling_work_starts_nothing_in_any_case() -> None:
    figures = bench.measure_plan(sizes=(10, 50), passes=2)

    cases = (bench.PLAN_FULL, bench.PLAN_PAUSED, bench.PLAN_SUBMIT, bench.PLAN_RULES)
    assert {(f.case, f.queued) for f in figures} == {(case, n) for case in cases for n in (10, 50)}
    assert "50 queued" in report.plan_table(figures)


def test_stored_job_is_a_queued_submission_with_luxids_reason() -> None:
    job = cluster.stored_job(42, cluster.DELAY_OP, [1700000000, 5])

    assert job["id"] == 42 and job["status"] == "queued"
    (op,) = job["ops"]
    assert op["input"]["OP_ID"] == "OP_TEST_DELAY" and op["input"]["on_master"] is False
    assert op["input"]["reason"][-1][1] == "job=42;index=0"
    json.dumps(job)


def test_raw_commits_count_durable_transactions(tmp_path: Path) -> None:
    count, elapsed = submission.raw_commit_rate(tmp_path / "raw.db", 0.05, "x" * 100)

    assert count > 0 and elapsed >= 0.05


def test_percentile_is_nearest_rank() -> None:
    samples = list(range(1, 101))

    assert report.percentile(samples, 50) == 50
    assert report.percentile(samples, 99) == 99
    assert report.percentile([3.0], 99) == 3.0


def test_readme_section_is_replaced_and_other_sections_kept(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\n<!-- skeleton:begin -->\nkeep me\n<!-- skeleton:end -->\n")
    section = f"{report.BEGIN_MARKER}\n## Job queue\n\nfirst\n{report.END_MARKER}\n"

    report.write_readme_section(section, readme)
    report.write_readme_section(section.replace("first", "second"), readme)

    text = readme.read_text()
    assert "keep me" in text and "second" in text and "first" not in text
    assert text.count(report.BEGIN_MARKER) == 1


def test_qa_table_counts_later_submissions_against_the_baseline() -> None:
    qa = load_bench("queue_qa")
    latencies = (0.010,) * 10 + (0.009, 0.011, 0.016, 0.005)
    fig = qa.QaFigure(2, 7, latencies, 0.010, (0.001,) * 14, 1.0)

    floor = qa.QaFigure(2, 7, latencies, 0.008, (), 0.5, master="null master (floor)")

    assert fig.later == (0.009, 0.011, 0.016, 0.005)
    ours, null = report.qa_table([fig, floor], 1.5).splitlines()[-2:]
    cells = [c.strip() for c in ours.strip("|").split("|")]
    assert cells[:2] == ["ganeti-shell", "2 × 7"] and cells[7] == "×1.60"
    assert cells[8] == "2 of 4" and cells[9] == "1"
    # the floor runs no jobs: its scheduling columns are empty, not an error
    cells = [c.strip() for c in null.strip("|").split("|")]
    assert cells[0] == "null master (floor)" and cells[8] == "3 of 4"
    assert cells[-3:-1] == ["—", "—"]


def test_the_null_master_answers_every_submission() -> None:
    floor = load_bench("queue_floor")

    fig = floor.measure_floor(clients=2, per_client=3)

    assert fig.master == floor.NULL_MASTER and len(fig.latencies) == 6
    assert fig.baseline > 0 and fig.delays == () and fig.makespan > 0
