"""Paging of long command output: only on a terminal, only when taller than the screen."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from shell.repl import pager
from shell.repl.pager import Spool, page, rows_needed, too_long


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_rows_needed_counts_wrapped_lines() -> None:
    assert rows_needed("a\nbb\n", 80) == 2
    assert rows_needed("x" * 81, 80) == 2
    assert rows_needed("\n", 80) == 1


def test_too_long_leaves_a_row_for_the_prompt() -> None:
    size = os.terminal_size((80, 5))
    assert not too_long("1\n2\n3\n4\n", size)
    assert too_long("1\n2\n3\n4\n5\n", size)


def test_spool_passes_through_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    paged: list[str] = []
    monkeypatch.setattr(pager, "page", lambda text, sink: paged.append(text))
    sink = io.StringIO()
    spool = Spool(sink, live_after=None)
    spool.write("line\n" * 500)
    assert sink.getvalue() == "line\n" * 500  # already there, before finish
    spool.finish()
    assert paged == []


def test_spool_pages_long_output_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    paged: list[str] = []
    monkeypatch.setattr(pager, "page", lambda text, sink: paged.append(text))
    monkeypatch.setattr(pager.shutil, "get_terminal_size", lambda: os.terminal_size((80, 24)))
    sink = Terminal()
    spool = Spool(sink, live_after=None)
    spool.write("line\n" * 100)
    assert sink.getvalue() == ""
    spool.finish()
    assert paged == ["line\n" * 100] and sink.getvalue() == ""


def test_spool_prints_short_output_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pager.shutil, "get_terminal_size", lambda: os.terminal_size((80, 24)))
    sink = Terminal()
    spool = Spool(sink, live_after=None)
    spool.write("short\n")
    spool.finish()
    assert sink.getvalue() == "short\n"


def test_page_pipes_through_pager_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "paged"
    monkeypatch.setenv("PAGER", f"sh -c 'cat > {target}'")
    page("one\ntwo\n", io.StringIO())
    assert target.read_text() == "one\ntwo\n"


def test_page_falls_back_to_printing_when_the_pager_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PAGER", "/nonexistent/pager")
    sink = io.StringIO()
    page("text\n", sink)
    assert sink.getvalue() == "text\n"
