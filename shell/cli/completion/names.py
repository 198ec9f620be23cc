"""The hidden ``ganeti-shell __complete KIND [PREFIX]`` subcommand the completion scripts call.

It prints one candidate per line, with a tab and a short note when
``--describe`` is given (zsh and fish show it). Live names come from the
master with a short timeout; when it cannot be reached the answer is empty
and the exit status 0, so a TAB never prints an error into the prompt.
"""

from __future__ import annotations

import sys

from shell.cli.tree import FIELD, FILTER, GROUP, INSTANCE, JOB, NODE

LIVE_KINDS = (NODE, INSTANCE, JOB, GROUP, FILTER)
TIMEOUT = 1.5


def field_names(group: str) -> list[tuple[str, str]]:
    """The list fields of a group's list command, with their descriptions."""
    if group == "filter":
        from shell.cli.commands.filter import FIELDS as FILTER_FIELDS

        return [(name, doc) for name, (_, doc) in FILTER_FIELDS.items()]
    from shell.cli.fields import FIELDS

    fields, _ = FIELDS.get(group, ([], []))
    return [(f.name, f.doc) for f in fields]


def live_names(kind: str, master: str | None = None) -> list[tuple[str, str]]:
    """The names of ``kind`` the master knows now; empty when it cannot be asked."""
    from shell.repl.live import fetch_names

    try:
        from shell.client import ClusterClient

        with ClusterClient(master, timeout=TIMEOUT) as client:
            return [(n.text, n.meta) for n in fetch_names(client, kind)]
    except Exception:  # an unreachable master, bad certificates: no names, no noise
        return []


def candidates(kind: str, master: str | None = None) -> list[tuple[str, str]]:
    if kind.startswith(FIELD + ":"):
        return field_names(kind.split(":", 1)[1])
    if kind in LIVE_KINDS:
        return live_names(kind, master)
    return []


def main(argv: list[str]) -> int:
    describe = "--describe" in argv
    master = None
    words = []
    it = iter(argv)
    for word in it:
        if word == "--describe":
            continue
        if word == "--master":
            master = next(it, None)
            continue
        words.append(word)
    if not words:
        print("usage: ganeti-shell __complete [--describe] [--master ADDRESS] KIND [PREFIX]", file=sys.stderr)
        return 2
    kind, prefix = words[0], (words[1] if len(words) > 1 else "")
    head = ""
    if kind.startswith(FIELD + ":"):
        # Field lists: complete the last of `+a,b,c`, keeping what comes before it.
        cut = max(prefix.rfind(","), 0 if prefix.startswith("+") else -1)
        head, prefix = prefix[: cut + 1], prefix[cut + 1:]
    elif kind == NODE and ":" in prefix:  # -n PNODE:SNODE
        head, _, prefix = prefix.rpartition(":")
        head += ":"
    out = []
    for name, note in candidates(kind, master):
        if name.startswith(prefix):
            out.append(f"{head}{name}\t{' '.join(note.split())}" if describe and note else head + name)
    if out:
        print("\n".join(out))
    return 0
