"""Smoke tests of bench/skeleton_bench.py: it runs on a tiny config; no timing is checked."""

from __future__ import annotations

from pathlib import Path

from tests.unit.bench.loader import load_bench

bench = load_bench("skeleton_bench")


def test_store_measurement_runs_every_operation_on_each_size(tmp_path: Path) -> None:
    figures = bench.measure_store(sizes=(5, 20), reads=20, commits=5, tmp_root=tmp_path)

    assert {(f.operation, f.instances) for f in figures} == {
        (op, size) for op in bench.STORE_OPERATIONS for size in (5, 20)
    }
    assert all(f.samples and f.median > 0 and f.p99 >= f.median for f in figures)
    assert "SqliteStore.find" in bench.store_table(figures, (5, 20))
    assert list(tmp_path.iterdir()) == []  # its temporary files are gone


def test_readme_section_is_replaced_and_other_sections_kept(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\n## htools\n\nkeep me\n")
    section = f"{bench.BEGIN_MARKER}\n## Walking skeleton\n\nfirst\n{bench.END_MARKER}\n"

    bench.write_readme_section(section, readme)
    bench.write_readme_section(section.replace("first", "second"), readme)

    text = readme.read_text()
    assert "keep me" in text and "second" in text and "first" not in text
    assert text.count(bench.BEGIN_MARKER) == 1
