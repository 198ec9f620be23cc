"""Shell completion: scripts for bash, zsh and fish generated from the one command tree,
and the hidden ``__complete`` subcommand they call for live names."""

from __future__ import annotations

from .bash import bash_script
from .fish import fish_script
from .model import SHELLS
from .zsh import zsh_script

SCRIPTS = {"bash": bash_script, "zsh": zsh_script, "fish": fish_script}
# Where each script is kept in the repository (completions/), under its conventional name.
FILES = {"bash": "ganeti-shell.bash", "zsh": "_ganeti-shell", "fish": "ganeti-shell.fish"}

__all__ = ["FILES", "SCRIPTS", "SHELLS", "bash_script", "fish_script", "main", "zsh_script"]


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in SCRIPTS:
        print(f"usage: ganeti-shell completion {{{'|'.join(SHELLS)}}}", flush=True)
        return 2
    print(SCRIPTS[argv[0]](), end="")
    return 0
