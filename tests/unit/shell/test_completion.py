"""Completion scripts: generated from the command tree, committed fresh, working in a real bash."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from shell.cli.completion import bash_script

SCRIPT = Path(__file__).resolve().parents[3] / "completions" / "ganeti-shell.bash"


def test_committed_bash_script_is_fresh() -> None:
    assert SCRIPT.read_text() == bash_script(), "run: ganeti-shell completion bash > completions/ganeti-shell.bash"


def _complete(words: list[str], function: str) -> list[str]:
    array = " ".join(f"'{w}'" for w in words)
    out = subprocess.run(
        ["bash", "-c", f"source {SCRIPT}; COMP_WORDS=({array}); COMP_CWORD={len(words) - 1}; "
                       f'{function}; printf "%s\\n" "${{COMPREPLY[@]}}"'],
        capture_output=True, text=True, check=True,
    )
    return [line for line in out.stdout.splitlines() if line]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_flags_and_choices() -> None:
    assert _complete(["gnt-instance", "sta"], "_ganeti_shell_instance") == ["start", "startup"]
    assert "--no-start" in _complete(["gnt-instance", "add", "--no-"], "_ganeti_shell_instance")
    assert _complete(["gnt-job", "change-priority", "--priority", "h"], "_ganeti_shell_job") == ["high"]
    assert _complete(["ganeti-shell", "fil"], "_ganeti_shell") == ["filter"]
    assert "--filter" in _complete(["ganeti-shell", "node", "list", "--fil"], "_ganeti_shell")
