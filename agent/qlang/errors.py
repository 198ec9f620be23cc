"""The two errors of the query language: a human filter that does not parse, a JSON one that does not decode."""

from __future__ import annotations

import re

from agent.errors import GanetiError

# pyparsing names the word (or the single character) found at the error.
_FOUND_WORD = re.compile(r"[^\W_]{1,16}|.")


class QueryFilterParseError(GanetiError):
    """A human-syntax filter (``-F``, name arguments) that does not parse.

    ``reason`` is the bare message, ``text`` the input and ``position`` the
    0-based offset of the error; ``args[0]`` is Ganeti's one-line message.
    ``fatal`` errors (a bad regular expression) do not say what was found,
    as in Ganeti.
    """

    def __init__(self, reason: str, text: str, position: int, *, fatal: bool = False) -> None:
        self.reason = reason
        self.text = text
        self.position = position
        self.fatal = fatal
        super().__init__(f"Failed to parse query filter '{text}': {self.located_reason}")

    @property
    def line_number(self) -> int:
        return self.text.count("\n", 0, self.position) + 1

    @property
    def column(self) -> int:
        """1-based column of the error on its line (pyparsing's ``col``)."""
        return self.position - self.text.rfind("\n", 0, self.position)

    @property
    def line(self) -> str:
        start = self.text.rfind("\n", 0, self.position) + 1
        end = self.text.find("\n", self.position)
        return self.text[start:] if end < 0 else self.text[start:end]

    @property
    def located_reason(self) -> str:
        """The message as pyparsing words it: what was found, and where."""
        match = _FOUND_WORD.match(self.text, self.position)
        if self.fatal:
            found = ""
        elif self.position >= len(self.text):
            found = ", found end of text"
        else:
            word = match.group(0) if match else self.text[self.position]
            found = f", found {word!r}".replace("\\\\", "\\")
        return (
            f"{self.reason}{found}  (at char {self.position}),"
            f" (line:{self.line_number}, col:{self.column})"
        )

    def details(self) -> list[str]:
        """The input line, a caret under the error, and the message (Ganeti's ``GetDetails``)."""
        return [self.line, " " * (self.column - 1) + "^", self.located_reason]

    def format_error(self) -> str:
        """The whole text the CLI prints on stderr for this error."""
        return "\n".join([f"Error while parsing query filter: {self.args[0]}", *self.details()])


class FilterError(GanetiError):
    """A JSON filter, filter predicate or regular expression that is not valid."""
