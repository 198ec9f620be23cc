"""The fish completion script, generated from the command tree.

Each candidate carries its help text; live names and list fields are asked
of ``ganeti-shell __complete --describe`` at TAB time.
"""

from __future__ import annotations

import shlex

from shell.cli.tree import FILE

from .model import HIDDEN, Flag, GroupSpec, dynamic_kind, groups, is_dynamic, top_level

HEADER = """\
# fish completion for ganeti-shell and its gnt-* programs.
# Generated from the command tree by `ganeti-shell completion fish`; do not edit.

# True when the command line is in GROUP (as gnt-GROUP or `ganeti-shell GROUP`) and,
# with no CMD given, its command is still to be typed; else when its command is one of CMD.
function __ganeti_shell_at
    set -l group $argv[1]
    set -e argv[1]
    set -l tokens (commandline -opc)
    set -l prog (string replace -r '.*/' '' -- $tokens[1])
    set -e tokens[1]
    if test "$prog" = ganeti-shell
        test "$tokens[1]" = "$group"; or return 1
        set -e tokens[1]
    end
    set -l cmd
    for token in $tokens
        if not string match -q -- '-*' $token
            set cmd $token
            break
        end
    end
    if test (count $argv) -eq 0
        test -z "$cmd"
        return
    end
    contains -- "$cmd" $argv
end

function __ganeti_shell_top
    test (count (commandline -opc)) -eq 1
end

# Live names from the master (empty when it cannot be reached).
function __ganeti_shell_live
    command ganeti-shell HIDDEN --describe $argv[1] (commandline -ct) 2>/dev/null
end
"""


def _q(text: str) -> str:
    return shlex.quote(text)


def _flag_words(flag: Flag) -> str:
    words = []
    for spelling in flag.flags:
        if spelling.startswith("--"):
            words.append(f"-l {_q(spelling[2:])}")
        elif len(spelling) == 2:
            words.append(f"-s {_q(spelling[1:])}")
        else:
            words.append(f"-o {_q(spelling[1:])}")
    return " ".join(words)


def _value(kind: str | None, choices: tuple[str, ...], group: GroupSpec) -> str:
    if choices:
        return f"-x -a {_q(' '.join(choices))}"
    if kind == FILE:
        return "-r -F"
    if is_dynamic(kind):
        assert kind is not None
        return f"-x -a {_q(f'(__ganeti_shell_live {dynamic_kind(kind, group)})')}"
    return "-x"


def _group_lines(group: GroupSpec) -> list[str]:
    lines = [f"# {group.program}: {group.help}", f"for prog in {group.program} ganeti-shell"]
    at = f"__ganeti_shell_at {group.name}"
    for cmd in group.commands:
        for name in cmd.names:
            lines.append(f"    complete -c $prog -f -n {_q(at)} -a {_q(name)} -d {_q(cmd.help)}")
    for cmd in group.commands:
        cond = _q(f"{at} {' '.join(cmd.names)}")
        for flag in cmd.flags:
            value = _value(flag.kind, flag.choices, group) if flag.takes_value else ""
            lines.append(f"    complete -c $prog -n {cond} {_flag_words(flag)} -d {_q(flag.help)} {value}".rstrip())
        if cmd.arg_kind == FILE:
            lines.append(f"    complete -c $prog -n {cond} -F")
        elif is_dynamic(cmd.arg_kind):
            assert cmd.arg_kind is not None
            live = f"(__ganeti_shell_live {dynamic_kind(cmd.arg_kind, group)})"
            lines.append(f"    complete -c $prog -n {cond} -f -a {_q(live)}")
        else:
            lines.append(f"    complete -c $prog -n {cond} -f")
    lines += ["end", ""]
    return lines


def fish_script() -> str:
    lines = [HEADER.replace("HIDDEN", HIDDEN)]
    lines.append("complete -c ganeti-shell -n __ganeti_shell_top -f")
    for word, text in top_level().items():
        lines.append(f"complete -c ganeti-shell -n __ganeti_shell_top -a {_q(word)} -d {_q(text)}")
    lines.append("complete -c ganeti-shell -n '__fish_seen_subcommand_from completion' -f -a 'bash zsh fish'")
    lines.append("")
    for group in groups():
        lines += _group_lines(group)
    return "\n".join(lines)
