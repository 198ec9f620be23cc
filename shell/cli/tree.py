"""The one command tree: every group, command, option and argument, declared once.

One-shot commands, the REPL, help, completion scripts and the TUI's palette
all read this tree; ``build_parser`` turns a group into an argparse parser.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Live names a completer can offer for an argument or option value.
NODE, INSTANCE, JOB, GROUP, FILE, FIELD = "node", "instance", "job", "group", "file", "field"
FILTER = "filter"  # job filter rule uuids


@dataclass(frozen=True)
class Option:
    flags: tuple[str, ...]
    help: str
    dest: str | None = None
    action: str = "store"  # store, store_true, store_false, count, append, store_const_VALUE
    default: Any = None
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    type: Callable[[str], Any] | None = None
    complete: str | None = None

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        kwargs: dict[str, Any] = {"help": self.help, "action": self.action}
        if self.action == "output":
            parser.set_defaults(as_json=False, fields=None)
            parser.add_argument(*self.flags, help=self.help, action=_OutputAction,
                                metavar=self.metavar, dest="output_spec", choices=self.choices)
            return
        if self.dest:
            kwargs["dest"] = self.dest
        if self.action in ("store", "append"):
            kwargs.update(default=self.default, metavar=self.metavar, choices=self.choices)
            if self.type is not None:
                kwargs["type"] = self.type
        elif self.action == "count":
            kwargs["default"] = self.default or 0
        elif self.action.startswith("store_const_"):
            kwargs.update(action="store_const", const=self.action.removeprefix("store_const_"))
        parser.add_argument(*self.flags, **kwargs)


@dataclass(frozen=True)
class Arg:
    name: str
    help: str
    nargs: str | None = None  # None (exactly one), "?", "*", "+"
    complete: str | None = None


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    handler: Callable[..., int]
    options: tuple[Option, ...] = ()
    args: tuple[Arg, ...] = ()
    aliases: tuple[str, ...] = ()
    submits_job: bool = False
    lists: bool = False  # takes the common list options


@dataclass(frozen=True)
class Group:
    name: str
    program: str
    help: str
    commands: tuple[Command, ...] = field(default_factory=tuple)

    def command(self, name: str) -> Command | None:
        for cmd in self.commands:
            if name == cmd.name or name in cmd.aliases:
                return cmd
        return None


# Options every command takes, and those of job-submitting and list commands.
COMMON_OPTIONS = (
    Option(("-d", "--debug"), "increase debugging level", action="count"),
    Option(("--reason",), "reason for the operation, recorded in the reason trail", metavar="TEXT"),
    Option(("--master",), "address of the master (unix:PATH or HOST:PORT)", metavar="ADDRESS"),
)
JOB_OPTIONS = (
    Option(("--submit",), "submit the job and print its id, without waiting", action="store_true"),
    Option(("--print-jobid",), "print the job id on the first line of the output", action="store_true"),
    Option(("--dry-run",), "only check the operation, do not execute it", action="store_true"),
    Option(("--priority",), "priority of the job", choices=("low", "normal", "high"), metavar="PRIO"),
)
LIST_OPTIONS = (
    Option(("-o",), "comma-separated fields; +FIELD,... extends the defaults",
           dest="fields", metavar="FIELDS", complete=FIELD),
    Option(("--output",), "fields as with -o, or 'json' to print the rows as JSON for scripts",
           action="output", metavar="FIELDS|json", complete=FIELD),
    Option(("--no-headers",), "omit the header row", action="store_true"),
    Option(("-F", "--filter"), "treat the argument as a query filter ('name =~ /^web/ and status == \"running\"')",
           dest="force_filter", action="store_true"),
    Option(("--separator",), "separate columns with SEP, without padding", metavar="SEP"),
    Option(("-v", "--verbose"), "spell out unavailable values", action="count"),
)
UNITS_OPTION = Option(("--units",), "unit of size fields", choices=("h", "m", "g", "t"), metavar="UNIT")
INFO_JSON = Option(("--output",), "'json' prints JSON for scripts", action="output", metavar="json",
                   choices=("json",))


class _OutputAction(argparse.Action):
    """Ganeti's ``--output=FIELDS``, plus ``--output json`` for machine-readable output."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        if values == "json":
            namespace.as_json = True
        else:
            namespace.fields = values


class UsageError(Exception):
    """A usage error: argparse's message, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # type: ignore[override]
        raise UsageError(f"{self.prog}: error: {message}")

    def exit(self, status: int = 0, message: str | None = None) -> Any:  # type: ignore[override]
        if message:
            print(message, end="")
        raise SystemExit(status)


def options_of(cmd: Command, with_units: bool) -> tuple[Option, ...]:
    opts: tuple[Option, ...] = COMMON_OPTIONS
    if cmd.submits_job:
        opts += JOB_OPTIONS
    if cmd.lists:
        opts += LIST_OPTIONS + ((UNITS_OPTION,) if with_units else ())
    return opts + cmd.options


def options_for(group: Group, cmd: Command) -> tuple[Option, ...]:
    """Every option ``cmd`` takes in ``group``: the parser and the REPL's completer agree on it."""
    return options_of(cmd, with_units=group.name in ("node", "instance"))


def build_parser(group: Group, prog: str | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog=prog or group.program, description=group.help)
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for cmd in group.commands:
        sub = subs.add_parser(cmd.name, aliases=list(cmd.aliases), help=cmd.help, description=cmd.help)
        for opt in options_for(group, cmd):
            opt.add_to(sub)
        for arg in cmd.args:
            if arg.nargs is None:
                sub.add_argument(arg.name, help=arg.help)
            else:
                sub.add_argument(arg.name, help=arg.help, nargs=arg.nargs)
        sub.set_defaults(handler=cmd.handler, command_name=cmd.name)
    return parser


GROUPS: dict[str, Group] = {}


def register(group: Group) -> Group:
    GROUPS[group.name] = group
    return group
