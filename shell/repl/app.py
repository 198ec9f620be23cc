"""The interactive shell (prompt-toolkit): every one-shot command, with history and completion."""

from __future__ import annotations

import shlex

from shell.cli.run import run_group
from shell.main import GROUP_NAMES


def run_repl(argv: list[str]) -> int:
    from prompt_toolkit import PromptSession

    session: PromptSession[str] = PromptSession()
    while True:
        try:
            line = session.prompt("ganeti> ")
        except (EOFError, KeyboardInterrupt):
            return 0
        words = shlex.split(line)
        if not words:
            continue
        if words[0] in ("exit", "quit"):
            return 0
        group = words[0].removeprefix("gnt-")
        if group in GROUP_NAMES:
            run_group(group, words[1:], f"gnt-{group}")
        else:
            print(f"unknown command '{words[0]}'")
