"""What to complete at the cursor, read from the command tree alone (pgcli's first stage).

``suggest(text_before_cursor)`` walks the words typed so far through the tree
and answers with a ``Suggestion``: which kind of candidates fit and which
fragment they replace. It does no I/O; ``completer.py`` turns it into names.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from shell.cli.fields import FIELDS
from shell.cli.tree import FIELD, FILE, NODE, Arg, Command, Group, Option, options_for
from shell.repl.words import HELP, drop_program, group_of, split_words


class What(enum.Enum):
    NOTHING = "nothing"
    GROUPS = "groups"  # first word: groups, their gnt-* programs and the REPL's builtins
    HELP_GROUPS = "help-groups"  # after "help": groups only
    COMMANDS = "commands"
    FLAGS = "flags"
    CHOICES = "choices"
    FIELDS = "fields"  # list fields of ``field_kind``
    NAMES = "names"  # live names of ``live_kind`` from the master
    FILES = "files"


@dataclass(frozen=True)
class Suggestion:
    """Candidates of one kind for the fragment ``word`` (replaced by the chosen candidate)."""

    what: What
    word: str = ""
    group: Group | None = None
    command: Command | None = None
    option: Option | None = None
    field_kind: str | None = None
    live_kind: str | None = None
    exclude: frozenset[str] = frozenset()
    extra: tuple[str, ...] = ()  # candidates besides those of ``what`` ("json" for --output)


FLAG_ACTIONS = ("store_true", "store_false", "count")
OUTPUT_ACTION, JSON = "output", "json"  # --output FIELDS|json


def takes_value(opt: Option) -> bool:
    """Whether the option reads the next word (or ``=value``) as its value."""
    return opt.action not in FLAG_ACTIONS and not opt.action.startswith("store_const_")


def _arg_at(args: tuple[Arg, ...], index: int) -> Arg | None:
    """The positional argument that the ``index``-th positional word fills."""
    for position, arg in enumerate(args):
        if arg.nargs in ("*", "+") or position == index:
            return arg
    return None


def _value(kind: str | None, word: str, group: Group, base: Suggestion) -> Suggestion:
    """Candidates for a value of completion kind ``kind`` (an option's or an argument's)."""
    if kind == FIELD:
        if group.name not in FIELDS:
            return Suggestion(What.NOTHING, word)
        # -o takes "a,b,c" or "+a,b": complete the part after the last comma.
        listed = word.lstrip("+").split(",")
        exclude = base.exclude | frozenset(listed[:-1])
        if word.startswith("+"):  # "+a,b" extends the defaults: they are listed already
            exclude |= frozenset(FIELDS[group.name][1])
        return Suggestion(
            What.FIELDS,
            listed[-1],
            group,
            base.command,
            base.option,
            field_kind=group.name,
            exclude=exclude,
        )
    if kind == FILE:
        return Suggestion(What.FILES, word, group, base.command, base.option)
    if kind is not None:
        exclude = base.exclude
        if kind == NODE and ":" in word:  # -n PNODE:SNODE, the secondary differs from the primary
            primary, word = word.rsplit(":", 1)
            exclude |= {primary}
        return Suggestion(
            What.NAMES, word, group, base.command, base.option, live_kind=kind, exclude=exclude
        )
    return Suggestion(What.NOTHING, word)


def _option_value(opt: Option, word: str, group: Group, cmd: Command) -> Suggestion:
    base = Suggestion(What.NOTHING, word, group, cmd, opt)
    if opt.choices:
        return Suggestion(What.CHOICES, word, group, cmd, opt)
    found = _value(opt.complete, word, group, base)
    if opt.action == OUTPUT_ACTION and not word.startswith("+") and "," not in word:
        return replace(found, extra=(JSON,))
    return found


def suggest(text: str) -> Suggestion:
    """What fits at the end of ``text`` (the line up to the cursor)."""
    words = split_words(text)
    current = "" if not text or text[-1].isspace() or not words else words.pop()
    words = drop_program(words)
    if not words:
        return Suggestion(What.GROUPS, current)
    if words[0] == HELP:
        if len(words) == 1:
            return Suggestion(What.HELP_GROUPS, current)
        help_group = group_of(words[1])
        if len(words) == 2 and help_group is not None:
            return Suggestion(What.COMMANDS, current, help_group)
        return Suggestion(What.NOTHING, current)
    group = group_of(words[0])
    if group is None:
        return Suggestion(What.NOTHING, current)
    if len(words) == 1:
        return Suggestion(What.COMMANDS, current, group)
    cmd = group.command(words[1])
    if cmd is None:
        return Suggestion(What.NOTHING, current)
    return _in_command(group, cmd, words[2:], current)


def _in_command(group: Group, cmd: Command, rest: list[str], current: str) -> Suggestion:
    """Walk a command's words: pending option values, used flags, positionals so far."""
    by_flag = {flag: opt for opt in options_for(group, cmd) for flag in opt.flags}
    used: set[str] = set()
    positionals: list[str] = []
    pending: Option | None = None
    only_args = False
    for word in rest:
        if pending is not None:
            pending = None
        elif not only_args and word == "--":
            only_args = True
        elif not only_args and word.startswith("-") and len(word) > 1:
            flag, eq, _ = word.partition("=")
            opt = by_flag.get(flag)
            if opt is not None:
                if opt.action not in ("append", "count"):
                    used.update(opt.flags)
                if takes_value(opt) and not eq:
                    pending = opt
        else:
            positionals.append(word)
    if pending is not None:
        return _option_value(pending, current, group, cmd)
    if not only_args and current.startswith("-"):
        flag, eq, value = current.partition("=")
        opt = by_flag.get(flag)
        if eq and opt is not None and takes_value(opt):
            return _option_value(opt, value, group, cmd)
        return Suggestion(What.FLAGS, current, group, cmd, exclude=frozenset(used))
    arg = _arg_at(cmd.args, len(positionals))
    if arg is not None and arg.complete is not None:
        many = arg.nargs in ("*", "+")
        base = Suggestion(
            What.NOTHING,
            current,
            group,
            cmd,
            exclude=frozenset(positionals) if many else frozenset(),
        )
        return _value(arg.complete, current, group, base)
    if not current and not only_args:
        return Suggestion(What.FLAGS, current, group, cmd, exclude=frozenset(used))
    return Suggestion(What.NOTHING, current)
