"""The zsh completion function, generated from the command tree.

Commands and flags come with their help text (zsh shows it beside each
candidate); live names and list fields are asked of ``ganeti-shell
__complete`` at TAB time, with the master's note (a node's group, a job's
status) as their description.
"""

from __future__ import annotations

import shlex

from shell.cli.tree import FIELD, FILE, NODE

from .model import HIDDEN, CommandSpec, Flag, GroupSpec, dynamic_kind, groups, is_dynamic, top_level

HEADER = """\
#compdef ganeti-shell PROGRAMS
# zsh completion for ganeti-shell and its gnt-* programs.
# Generated from the command tree by `ganeti-shell completion zsh`; do not edit.

# Live names from the master: `ganeti-shell __complete KIND` (empty when unreachable).
_ganeti_shell_live() {
  local kind=${argv[-1]} line name note  # _arguments puts compadd options first
  local -a described
  [[ $kind == NODEKIND ]] && compset -P '*:'
  [[ $kind == FIELDKIND:* ]] && { compset -P '*,'; compset -P '+'; }
  for line in ${(f)"$(command ganeti-shell HIDDEN --describe $kind 2>/dev/null)"}; do
    name=${line%%$'\\t'*}; note=
    [[ $line == *$'\\t'* ]] && note=${line#*$'\\t'}
    described+=("${name//:/\\\\:}:$note")
  done
  if [[ $kind == FIELDKIND:* ]]; then
    _describe -t fields field described -qS ,
  else
    _describe -t $kind $kind described
  fi
}
"""


def _bracket(text: str) -> str:
    """Help text inside an _arguments `[...]`, with the characters it treats specially escaped."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:")


def _message(text: str) -> str:
    return text.replace(":", " ").replace("[", "").replace("]", "") or "value"


def _action(kind: str | None, choices: tuple[str, ...], group: GroupSpec) -> str:
    if choices:
        return "(" + " ".join(choices) + ")"
    if kind == FILE:
        return "_files"
    if is_dynamic(kind):
        assert kind is not None
        return f"_ganeti_shell_live {dynamic_kind(kind, group)}".replace(":", "\\:")
    return " "


def _flag_specs(flag: Flag, group: GroupSpec) -> list[str]:
    exclusive = f"({' '.join(flag.flags)})" if len(flag.flags) > 1 else ""
    # Repeatable flags (-d, -v) may be given more than once.
    repeat = "*" if flag.flags[0] in ("-d", "-v", "--debug", "--verbose") else ""
    value = ""
    if flag.takes_value:
        value = f":{_message(flag.help.split(',')[0][:40])}:{_action(flag.kind, flag.choices, group)}"
    return [shlex.quote(f"{repeat or exclusive}{spelling}[{_bracket(flag.help)}]{value}")
            for spelling in flag.flags]


def _command_case(cmd: CommandSpec, group: GroupSpec) -> list[str]:
    specs = [spec for flag in cmd.flags for spec in _flag_specs(flag, group)]
    if cmd.arg_kind is not None:
        label = "field" if cmd.arg_kind == FIELD else cmd.arg_kind
        specs.append(shlex.quote(f"*:{label}:{_action(cmd.arg_kind, (), group)}"))
    body = " \\\n          ".join(["_arguments -s -S", *specs])
    return [f"      {'|'.join(cmd.names)})", f"        {body};;"]


def _group_function(group: GroupSpec) -> list[str]:
    described = [shlex.quote(f"{n}:{_bracket(cmd.help)}") for cmd in group.commands for n in cmd.names]
    lines = [
        f"_ganeti_shell_{group.name.replace('-', '_')}() {{",
        "  local curcontext=$curcontext state line",
        "  local -a commands",
        "  commands=(" + " ".join(described) + ")",
        "  _arguments -C '1: :->command' '*:: :->args'",
        "  case $state in",
        f"    command) _describe -t commands '{group.program} command' commands;;",
        "    args)",
        "      case $line[1] in",
    ]
    for cmd in group.commands:
        lines += _command_case(cmd, group)
    lines += ["      esac;;", "  esac", "}", ""]
    return lines


def zsh_script() -> str:
    specs = groups()
    programs = " ".join(g.program for g in specs)
    header = (HEADER.replace("PROGRAMS", programs).replace("HIDDEN", HIDDEN)
              .replace("NODEKIND", NODE).replace("FIELDKIND", FIELD))
    lines = [header]
    for group in specs:
        lines += _group_function(group)
    top = " ".join(shlex.quote(f"{word}:{_bracket(text)}") for word, text in top_level().items())
    lines += [
        "_ganeti_shell_top() {",
        "  local curcontext=$curcontext state line",
        f"  local -a words_top; words_top=({top})",
        "  _arguments -C '(- *)--version[print the version]' '(- *)--help[show help]' "
        "'1: :->command' '*:: :->args'",
        "  case $state in",
        "    command) _describe -t commands 'ganeti-shell command' words_top;;",
        "    args)",
        "      case $line[1] in",
    ]
    for group in specs:
        lines.append(f"        {group.name}) _ganeti_shell_{group.name.replace('-', '_')};;")
    lines += [
        "        completion) _arguments '1:shell:(bash zsh fish)';;",
        "      esac;;",
        "  esac",
        "}",
        "",
        "_ganeti-shell() {",
        "  case $service in",
    ]
    for group in specs:
        lines.append(f"    {group.program}) _ganeti_shell_{group.name.replace('-', '_')} \"$@\";;")
    lines += [
        "    *) _ganeti_shell_top \"$@\";;",
        "  esac",
        "}",
        "",
        "# Autoloaded from $fpath this file is the function's body; sourced, it registers itself.",
        'if [[ $funcstack[1] == _ganeti-shell ]]; then',
        '  _ganeti-shell "$@"',
        "else",
        f"  compdef _ganeti-shell ganeti-shell {programs}",
        "fi",
    ]
    return "\n".join(lines) + "\n"
