"""A whole REPL session over prompt_toolkit's pipe input: commands, help, errors, history."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from shell.repl import run_repl
from shell.repl.runner import LineRunner


class QuietCluster:
    """Enough of a master for the toolbar and completer; no command here needs it."""

    def query(
        self, kind: str, names: list[str] | None = None, live: bool = False
    ) -> list[dict[str, Any]]:
        return [{"name": "node1", "live": {"mfree": 1024}}]

    def get_jobs(self, job_ids: list[int] | None = None) -> tuple[list[dict[str, Any]], list[int]]:
        return [], []


@pytest.fixture(autouse=True)
def history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state" / "history"
    monkeypatch.setenv("GANETI_SHELL_HISTORY", str(path))
    return path


def session(*lines: str, close: bool = False) -> tuple[int, str]:
    """Type ``lines`` into a REPL; return its exit code and everything the commands printed."""
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("".join(f"{line}\n" for line in lines))
        if close:
            pipe.close()
        code = run_repl([], input=pipe, output=DummyOutput(), stdout=out, client=QuietCluster())
    return code, out.getvalue()


def test_help_unknown_command_and_exit() -> None:
    code, out = session("help", "help instance add", "frobnicate now", "exit")
    assert code == 0
    assert "gnt-instance (instance): Instance administration" in out
    assert "startup (start)" in out
    assert "usage: gnt-instance add" in out and "--disk-template" in out
    assert "unknown command 'frobnicate'" in out
    assert "Traceback" not in out


def test_help_for_a_group_and_for_a_command_name_of_one_group() -> None:
    _, out = session("help node", "help watch", "help list", "quit")
    assert "usage: gnt-node" in out
    assert "usage: gnt-job watch" in out
    assert "help instance list" in out and "help node list" in out


def test_all_three_spellings_run_the_same_command() -> None:
    outputs = [
        session(f"{spelling} list-fields name", "exit")[1]
        for spelling in ("gnt-instance", "instance", "ganeti-shell instance")
    ]
    assert outputs[0] == outputs[1] == outputs[2]
    assert "Instance name" in outputs[0]


def test_usage_error_shows_argparse_message_and_the_shell_goes_on() -> None:
    code, out = session("instance list-fields --bogus", "job", "'unclosed", "help job", "exit")
    assert code == 0
    assert "error: unrecognized arguments: --bogus" in out
    assert "missing command" in out
    assert "No closing quotation" in out
    assert "usage: gnt-job" in out


def test_command_help_flag_does_not_leave_the_shell() -> None:
    _, out = session("node list --help", "exit")
    assert "usage: gnt-node list" in out


def test_end_of_input_leaves_like_ctrl_d() -> None:
    code, out = session("help", close=True)
    assert code == 0 and "gnt-job" in out


def test_history_is_written_to_the_file_and_its_directory_created(history_file: Path) -> None:
    session("help job", "exit")
    assert "help job" in history_file.read_text()


def test_unexpected_exception_in_a_command_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> int:
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr("shell.repl.runner.run_group", boom)
    _, out = session("node list", "exit")
    assert out == "error: RuntimeError: something broke\n"


def test_bad_repl_arguments_return_usage_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_repl(["--bogus"]) == 2


def test_help_flag_of_a_job_command_goes_to_the_shell_output() -> None:
    _, out = session("gnt-instance add --help", "exit")
    assert "usage: gnt-instance add" in out


def test_repl_master_is_passed_to_commands_unless_given(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def record(group: str, argv: list[str], *args: object, **kwargs: object) -> int:
        seen.append(argv)
        return 0

    monkeypatch.setattr("shell.repl.runner.run_group", record)
    runner = LineRunner(io.StringIO(), master="unix:/run/m.sock")
    runner.run("node list -o name")
    runner.run("node list --master=unix:/other")
    assert seen == [
        ["list", "--master", "unix:/run/m.sock", "-o", "name"],
        ["list", "--master=unix:/other"],
    ]
