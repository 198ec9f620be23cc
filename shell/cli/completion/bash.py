"""The bash completion script, generated from the command tree.

Commands, flags and flag choices are written into the script; live names
(nodes, instances, jobs, groups, filter uuids) and list fields are asked of
``ganeti-shell __complete`` at TAB time, so they are always current.
"""

from __future__ import annotations

import shlex

from shell.cli.tree import FILE

from .model import HIDDEN, GroupSpec, dynamic_kind, groups, is_dynamic, top_level

HEADER = """\
# bash completion for ganeti-shell and its gnt-* programs.
# Generated from the command tree by `ganeti-shell completion bash`; do not edit.

# Live names from the master: `ganeti-shell __complete KIND PREFIX` (empty when unreachable).
_ganeti_shell_live() {
  local IFS=$'\\n'
  COMPREPLY=($(command ganeti-shell HIDDEN "$1" "$2" 2>/dev/null))
  [[ "$1" == field:* ]] && compopt -o nospace 2>/dev/null
  return 0
}
""".replace("HIDDEN", HIDDEN)


def _q(text: str) -> str:
    return shlex.quote(text)


def _value_case(group: GroupSpec) -> list[str]:
    """`case "$cmd:$prev"` branches completing the value of an option."""
    lines = []
    for cmd in group.commands:
        for flag in cmd.flags:
            if not flag.takes_value:
                continue
            if flag.choices:
                action = f'COMPREPLY=($(compgen -W {_q(" ".join(flag.choices))} -- "$cur"))'
            elif flag.kind == FILE:
                action = 'COMPREPLY=($(compgen -f -- "$cur"))'
            elif is_dynamic(flag.kind):
                assert flag.kind is not None
                action = f'_ganeti_shell_live {_q(dynamic_kind(flag.kind, group))} "$cur"'
            else:
                action = "COMPREPLY=()"  # a free-form value: offer nothing rather than flags
            keys = "|".join(_q(f"{name}:{spelling}") for name in cmd.names for spelling in flag.flags)
            lines.append(f"    {keys}) {action}; return;;")
    return lines


def _group_function(group: GroupSpec) -> list[str]:
    fn = "_ganeti_shell_" + group.name.replace("-", "_")
    commands = " ".join(sorted(n for c in group.commands for n in c.names))
    lines = [
        f"{fn}() {{",
        "  local cur prev cmd",
        '  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"',
        '  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2',
        "  if (( COMP_CWORD == base )); then",
        f'    COMPREPLY=($(compgen -W {_q(commands)} -- "$cur")); return',
        "  fi",
        '  cmd="${COMP_WORDS[base]}"',
        '  case "$cmd:$prev" in',
        *_value_case(group),
        "  esac",
        '  if [[ "$cur" == -* ]]; then',
        '    case "$cmd" in',
    ]
    for cmd in group.commands:
        flags = " ".join(sorted({s for f in cmd.flags for s in f.flags}))
        lines.append(f'      {"|".join(_q(n) for n in cmd.names)}) COMPREPLY=($(compgen -W {_q(flags)} -- "$cur"));;')
    lines += ["    esac", "    return", "  fi", '  case "$cmd" in']
    for cmd in group.commands:
        if cmd.arg_kind == FILE:
            action = 'COMPREPLY=($(compgen -f -- "$cur"))'
        elif is_dynamic(cmd.arg_kind):
            assert cmd.arg_kind is not None
            action = f'_ganeti_shell_live {_q(dynamic_kind(cmd.arg_kind, group))} "$cur"'
        else:
            continue
        lines.append(f'    {"|".join(_q(n) for n in cmd.names)}) {action};;')
    lines += ["  esac", "}", f"complete -o default -F {fn} {group.program}", ""]
    return lines


def bash_script() -> str:
    lines = [HEADER]
    specs = groups()
    for group in specs:
        lines += _group_function(group)
    words = " ".join(top_level())
    lines += [
        "_ganeti_shell() {",
        "  if (( COMP_CWORD == 1 )); then",
        f'    COMPREPLY=($(compgen -W {_q(words)} -- "${{COMP_WORDS[1]}}")); return',
        "  fi",
        '  case "${COMP_WORDS[1]}" in',
    ]
    for group in specs:
        lines.append(f"    {group.name}) _ganeti_shell_{group.name.replace('-', '_')};;")
    lines.append('    completion) (( COMP_CWORD == 2 )) && COMPREPLY=($(compgen -W "bash zsh fish" -- "${COMP_WORDS[2]}"));;')
    lines += ["  esac", "}", "complete -o default -F _ganeti_shell ganeti-shell"]
    return "\n".join(lines) + "\n"
