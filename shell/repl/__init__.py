"""The interactive shell (prompt-toolkit): every one-shot command, with completion and history."""

from shell.repl.app import run_repl

__all__ = ["run_repl"]
