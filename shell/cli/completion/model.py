"""What the completion scripts need from the command tree, flattened once for every shell.

The bash, zsh and fish generators all read this model, so the three scripts
offer the same commands, flags, choices and live-name kinds.
"""

from __future__ import annotations

from dataclasses import dataclass

import shell.cli.commands  # noqa: F401  (registers the groups)
from shell.cli.tree import FIELD, FILE, GROUPS, Group, Option, options_for

# Top-level words of `ganeti-shell` besides the groups, with their help.
TOP_LEVEL = {
    "agent": "run a node agent (with --master, the master too)",
    "demo": "start a local cluster on loopback and open the shell",
    "repl": "open the interactive shell",
    "tui": "open the full-screen terminal interface",
    "completion": "print a shell completion script (bash, zsh or fish)",
}
SHELLS = ("bash", "zsh", "fish")
# The hidden subcommand the scripts call for live names: `ganeti-shell __complete KIND`.
HIDDEN = "__complete"


@dataclass(frozen=True)
class Flag:
    """One option: its spellings, help, and what its value is (None: it takes none)."""

    flags: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...] = ()
    kind: str | None = None  # a live-name kind, FILE or FIELD


@dataclass(frozen=True)
class CommandSpec:
    name: str
    aliases: tuple[str, ...]
    help: str
    flags: tuple[Flag, ...]
    arg_kind: str | None  # what the positional arguments are (first argument that says)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class GroupSpec:
    name: str
    program: str
    help: str
    commands: tuple[CommandSpec, ...]


def _flag(option: Option) -> Flag:
    takes_value = option.action in ("store", "append", "output")
    return Flag(option.flags, option.help, takes_value, tuple(option.choices or ()), option.complete)


def group_spec(group: Group) -> GroupSpec:
    commands = []
    for cmd in group.commands:
        flags = tuple(_flag(opt) for opt in options_for(group, cmd))
        flags += (Flag(("-h", "--help"), "show the command's help and exit", False),)
        kind = next((arg.complete for arg in cmd.args if arg.complete), None)
        commands.append(CommandSpec(cmd.name, cmd.aliases, cmd.help, flags, kind))
    return GroupSpec(group.name, group.program, group.help, tuple(commands))


def groups() -> list[GroupSpec]:
    return [group_spec(g) for g in GROUPS.values()]


def top_level() -> dict[str, str]:
    """Every word that may follow `ganeti-shell`, with its help."""
    from shell.main import HTOOLS

    words = {g.name: g.help for g in GROUPS.values()}
    words.update({tool: f"Ganeti's {tool}" for tool in HTOOLS})
    words.update(TOP_LEVEL)
    return dict(sorted(words.items()))


def is_dynamic(kind: str | None) -> bool:
    """Whether values of ``kind`` come from the hidden subcommand (live names and fields)."""
    return kind is not None and kind != FILE


def dynamic_kind(kind: str, group: GroupSpec) -> str:
    """The argument of the hidden subcommand: fields are per group (``field:instance``)."""
    return f"{FIELD}:{group.name}" if kind == FIELD else kind
