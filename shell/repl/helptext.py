"""``help`` in the REPL: the list of groups and commands, and one command's argparse help.

Everything comes from the command tree; a command's help is exactly what its
one-shot ``--help`` prints, captured from the parser ``build_parser`` makes.
"""

from __future__ import annotations

import contextlib
import io

from shell.cli.run import run_group
from shell.cli.tree import GROUPS, Command, Group, build_parser
from shell.repl.words import BUILTINS, group_of

HINT = (
    "Type a command as gnt-instance list, instance list or ganeti-shell instance list.\n"
    "help GROUP [COMMAND] shows the options; Tab completes; Ctrl-R searches the history."
)


def _names(cmd: Command) -> str:
    return cmd.name + (f" ({', '.join(cmd.aliases)})" if cmd.aliases else "")


def overview() -> str:
    """Every group with its commands, then the REPL's own words."""
    width = max(len(_names(c)) for g in GROUPS.values() for c in g.commands) + 2
    lines: list[str] = []
    for group in GROUPS.values():
        lines.append(f"{group.program} ({group.name}): {group.help}")
        lines.extend(f"  {_names(cmd):<{width}}{cmd.help}" for cmd in group.commands)
        lines.append("")
    lines.append("shell:")
    lines.extend(f"  {word:<{width}}{note}" for word, note in BUILTINS.items())
    lines.append("")
    lines.append(HINT)
    return "\n".join(lines) + "\n"


def command_help(group: Group, name: str) -> str:
    """What ``gnt-GROUP NAME --help`` prints."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        run_group(group.name, [name, "--help"], group.program, out=buffer, err=buffer)
    return buffer.getvalue()


def help_for(words: list[str]) -> str:
    """The help ``help WORDS...`` asks for; a one-line message when there is none."""
    if not words:
        return overview()
    group = group_of(words[0])
    if group is not None:
        if len(words) == 1:
            return build_parser(group).format_help()
        if group.command(words[1]) is None:
            return f"{group.program} has no command '{words[1]}' (see: help {group.name})\n"
        return command_help(group, words[1])
    if words[0] in BUILTINS:
        return f"{words[0]}: {BUILTINS[words[0]]}\n"
    owners = [g for g in GROUPS.values() if g.command(words[0]) is not None]
    if len(owners) == 1:
        return command_help(owners[0], words[0])
    if owners:
        spelled = ", ".join(f"help {g.name} {words[0]}" for g in owners)
        return f"'{words[0]}' is a command of several groups: {spelled}\n"
    return f"No help for '{' '.join(words)}': type help for the list of commands\n"
