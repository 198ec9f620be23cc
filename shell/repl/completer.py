"""The REPL's completer: candidates from the command tree and live names, fuzzy-ranked.

Second stage after ``suggest.py``: map the suggested kind to candidates
(groups, commands and aliases, flags, choices, list fields, names from the
master, files) and rank them with ``fuzzy.rank``. Nothing here names a command.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import StyleAndTextTuples

from shell.cli.fields import FIELDS
from shell.cli.tree import GROUPS, options_for
from shell.repl import fuzzy
from shell.repl.live import LiveNames, Name
from shell.repl.suggest import Suggestion, What, suggest
from shell.repl.words import BUILTINS

# One thing the user may type, with a note for the menu: the same shape as a live name.
Candidate = Name


def _groups(with_builtins: bool) -> Iterator[Candidate]:
    for group in GROUPS.values():
        yield Candidate(group.name, group.help)
    for group in GROUPS.values():
        yield Candidate(group.program, group.help)
    if with_builtins:
        for word, note in BUILTINS.items():
            yield Candidate(word, note)


def candidates(s: Suggestion, names: LiveNames) -> list[Candidate]:
    """Every candidate of the suggested kind, before matching against the typed fragment."""
    found: Iterable[Candidate] = ()
    if s.what in (What.GROUPS, What.HELP_GROUPS):
        found = _groups(with_builtins=s.what is What.GROUPS)
    elif s.what is What.COMMANDS and s.group is not None:
        found = [
            Candidate(word, cmd.help)
            for cmd in s.group.commands
            for word in (cmd.name, *cmd.aliases)
        ]
    elif s.what is What.FLAGS and s.group is not None and s.command is not None:
        found = [
            Candidate(flag, opt.help)
            for opt in options_for(s.group, s.command)
            for flag in opt.flags
        ]
    elif s.what is What.CHOICES and s.option is not None:
        found = [Candidate(choice) for choice in s.option.choices or ()]
    elif s.what is What.FIELDS and s.field_kind in FIELDS:
        found = [Candidate(f.name, f.doc) for f in FIELDS[s.field_kind][0]]
    elif s.what is What.NAMES and s.live_kind is not None:
        found = names.names(s.live_kind)  # Name has Candidate's text and meta
    extra = [Candidate(word) for word in s.extra]
    if not s.exclude:
        return [*found, *extra]
    return [c for c in (*found, *extra) if c.text not in s.exclude]


# The menu shows a screenful; the best this many matches are plenty to scroll through,
# and with 10,000 instances building every completion would cost a keystroke's worth.
MAX_COMPLETIONS = 500
INSIDE, OUTSIDE = "class:fuzzymatch.inside.character", "class:fuzzymatch.outside"


def _highlight(text: str, match: fuzzy.Match) -> StyleAndTextTuples:
    """The candidate with its matched characters styled as prompt_toolkit's fuzzy matcher does."""
    positions = match.positions
    if not positions:
        return [(OUTSIDE, text)]
    first, last = positions[0], positions[-1]
    if last - first + 1 == len(positions):  # one contiguous run: three fragments
        return [(OUTSIDE, text[:first]), (INSIDE, text[first:last + 1]), (OUTSIDE, text[last + 1:])]
    hit = set(positions)
    return [(INSIDE if i in hit else OUTSIDE, ch) for i, ch in enumerate(text)]


class TreeCompleter(Completer):
    """Completes every spelling of every command; inject ``names`` to choose the master."""

    def __init__(self, names: LiveNames) -> None:
        self.names = names
        self._paths = PathCompleter(expanduser=True)

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        s = suggest(document.text_before_cursor)
        if s.what is What.FILES:
            yield from self._paths.get_completions(Document(s.word), complete_event)
            return
        ranked = fuzzy.rank(s.word, candidates(s, self.names), key=lambda c: c.text, limit=MAX_COMPLETIONS)
        for cand, match in ranked:
            yield Completion(
                cand.text,
                start_position=-len(s.word),
                display=_highlight(cand.text, match),
                display_meta=cand.meta,
            )
