"""How the REPL reads a line: tolerant word splitting and the three spellings of a group.

``gnt-instance list``, ``instance list`` and ``ganeti-shell instance list`` all
name the same command; the runner and the completer both resolve them here.
"""

from __future__ import annotations

import shlex

import shell.cli.commands  # noqa: F401  (registers the groups in the tree)
from shell.cli.tree import GROUPS, Group

PROGRAM = "ganeti-shell"
HELP = "help"
EXIT_WORDS = ("exit", "quit")
BUILTINS = {
    HELP: "list the commands, or show the help of one",
    "exit": "leave the shell (also quit, Ctrl-D)",
    "quit": "leave the shell (also exit, Ctrl-D)",
}


def split_words(text: str) -> list[str]:
    """Shell-like words; an unclosed quote (half-typed line) falls back to plain splitting."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def drop_program(words: list[str]) -> list[str]:
    """Words without a leading ``ganeti-shell``, the binary's own spelling."""
    return words[1:] if words[:1] == [PROGRAM] else words


def group_of(word: str) -> Group | None:
    """The group a first word names, as ``instance`` or as its program ``gnt-instance``."""
    for group in GROUPS.values():
        if word in (group.name, group.program):
            return group
    return None
