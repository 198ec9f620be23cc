"""Completion scripts: generated from the command tree, committed fresh, working in real shells."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shell.cli.completion import FILES, SCRIPTS
from shell.cli.completion.names import main as names_main

COMPLETIONS = Path(__file__).resolve().parents[3] / "completions"
# The scripts call `ganeti-shell __complete`: the venv's binary must be on PATH.
ENV = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
       "GANETI_SHELL_MASTER": "unix:/nonexistent/ganeti-shell-master.sock"}


@pytest.mark.parametrize("shell", sorted(SCRIPTS))
def test_committed_script_is_fresh(shell: str) -> None:
    path = COMPLETIONS / FILES[shell]
    assert path.read_text() == SCRIPTS[shell](), f"run: make completions  (stale {path.name})"


def _bash(words: list[str], function: str) -> list[str]:
    array = " ".join(f"'{w}'" for w in words)
    out = subprocess.run(
        ["bash", "-c", f"source {COMPLETIONS / FILES['bash']}; COMP_WORDS=({array}); "
                       f"COMP_CWORD={len(words) - 1}; {function}; printf '%s\\n' \"${{COMPREPLY[@]}}\""],
        capture_output=True, text=True, check=True, env=ENV,
    )
    return [line for line in out.stdout.splitlines() if line]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_flags_and_choices() -> None:
    assert _bash(["gnt-instance", "sta"], "_ganeti_shell_instance") == ["start", "startup"]
    assert "--no-start" in _bash(["gnt-instance", "add", "--no-"], "_ganeti_shell_instance")
    assert _bash(["gnt-job", "change-priority", "--priority", "h"], "_ganeti_shell_job") == ["high"]
    assert _bash(["ganeti-shell", "fil"], "_ganeti_shell") == ["filter"]
    assert "--filter" in _bash(["ganeti-shell", "node", "list", "--fil"], "_ganeti_shell")
    assert _bash(["ganeti-shell", "completion", "z"], "_ganeti_shell") == ["zsh"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_list_fields_through_the_hidden_subcommand() -> None:
    assert _bash(["gnt-instance", "list", "-o", "name,sta"], "_ganeti_shell_instance") == ["name,status"]
    assert "uuid" in _bash(["gnt-filter", "list", "-o", ""], "_ganeti_shell_filter")


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_offers_nothing_and_prints_nothing_when_the_master_is_down() -> None:
    assert _bash(["gnt-instance", "startup", "w"], "_ganeti_shell_instance") == []


def test_hidden_subcommand_splits_field_lists_and_node_pairs(capsys: pytest.CaptureFixture[str]) -> None:
    assert names_main(["field:instance", "+name,pno"]) == 0
    assert capsys.readouterr().out.split() == ["+name,pnode"]
    assert names_main(["--describe", "field:job", "stat"]) == 0
    assert capsys.readouterr().out == "status\tJob status\n"


def test_hidden_subcommand_is_silent_without_a_master(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GANETI_SHELL_MASTER", "unix:/nonexistent/master.sock")
    assert names_main(["instance", ""]) == 0
    assert capsys.readouterr() == ("", "")
    assert names_main([]) == 2


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_commands_flags_choices_and_fields() -> None:
    def complete(line: str) -> list[str]:
        out = subprocess.run(["fish", "--no-config", "-c", f"source {COMPLETIONS / FILES['fish']}; complete -C '{line}'"],
                             capture_output=True, text=True, check=True, env=ENV)
        return [row.split("\t")[0] for row in out.stdout.splitlines()]

    assert complete("gnt-instance sta") == ["start", "startup"]
    assert complete("ganeti-shell instance sta") == ["start", "startup"]
    assert "--no-start" in complete("gnt-instance add --no-")
    assert complete("gnt-job change-priority --priority h") == ["high"]
    assert complete("gnt-instance list -o name,stat") == ["name,status"]
    assert complete("ganeti-shell fil") == ["filter"]
    assert complete("gnt-instance startup w") == []


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_script_parses() -> None:
    subprocess.run(["zsh", "-n", str(COMPLETIONS / FILES["zsh"])], check=True)
