"""Shell completion scripts generated from the one command tree.

``ganeti-shell completion bash`` prints a script that completes the
``ganeti-shell`` groups and every ``gnt-*`` program's commands, flags and
flag choices; the committed copy in ``completions/`` is checked against it.
"""

from __future__ import annotations

import shlex

import shell.cli.commands  # noqa: F401  (registers the groups)
from shell.cli.tree import GROUPS, Group, options_for


def _words(group: Group) -> dict[str, str]:
    """Per command: the words that may follow it (flags), and the command names themselves."""
    table: dict[str, str] = {}
    for cmd in group.commands:
        flags = sorted({f for opt in options_for(group, cmd) for f in opt.flags} | {"--help"})
        for name in (cmd.name, *cmd.aliases):
            table[name] = " ".join(flags)
    return table


def _choices(group: Group) -> dict[str, str]:
    out: dict[str, str] = {}
    for cmd in group.commands:
        for opt in options_for(group, cmd):
            if opt.choices:
                for flag in opt.flags:
                    out[f"{cmd.name}:{flag}"] = " ".join(opt.choices)
    return out


def bash_script() -> str:
    lines = [
        "# bash completion for ganeti-shell and its gnt-* programs.",
        "# Generated from the command tree by `ganeti-shell completion bash`; do not edit.",
        "",
    ]
    for group in GROUPS.values():
        fn = "_ganeti_shell_" + group.name
        words = _words(group)
        choices = _choices(group)
        lines.append(f"{fn}() {{")
        lines.append('  local cur prev cmd i')
        lines.append('  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"')
        lines.append('  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2')
        lines.append('  if (( COMP_CWORD == base )); then')
        commands = " ".join(sorted(words))
        lines.append(f"    COMPREPLY=($(compgen -W {shlex.quote(commands)} -- \"$cur\")); return")
        lines.append("  fi")
        lines.append('  cmd="${COMP_WORDS[base]}"')
        lines.append('  case "$cmd:$prev" in')
        for key, values in sorted(choices.items()):
            lines.append(f"    {shlex.quote(key)}) COMPREPLY=($(compgen -W {shlex.quote(values)} -- \"$cur\")); return;;")
        lines.append("  esac")
        lines.append('  if [[ "$cur" == -* ]]; then')
        lines.append('    case "$cmd" in')
        for name, flags in sorted(words.items()):
            lines.append(f"      {shlex.quote(name)}) COMPREPLY=($(compgen -W {shlex.quote(flags)} -- \"$cur\"));;")
        lines.append("    esac")
        lines.append("  fi")
        lines.append("}")
        lines.append(f"complete -o default -F {fn} {group.program}")
        lines.append("")
    groups = " ".join(sorted([*GROUPS, "agent", "demo", "repl", "hbal", "hcheck", "hinfo", "completion"]))
    lines.append("_ganeti_shell() {")
    lines.append('  if (( COMP_CWORD == 1 )); then')
    lines.append(f'    COMPREPLY=($(compgen -W {shlex.quote(groups)} -- "${{COMP_WORDS[1]}}")); return')
    lines.append("  fi")
    lines.append('  case "${COMP_WORDS[1]}" in')
    for group in GROUPS.values():
        lines.append(f"    {group.name}) _ganeti_shell_{group.name};;")
    lines.append("  esac")
    lines.append("}")
    lines.append("complete -o default -F _ganeti_shell ganeti-shell")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if argv != ["bash"]:
        print("usage: ganeti-shell completion bash", flush=True)
        return 2
    print(bash_script(), end="")
    return 0
