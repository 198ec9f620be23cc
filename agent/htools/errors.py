"""The htools exception hierarchy: one base class, one subclass per failure kind."""

from __future__ import annotations


class HtoolsError(Exception):
    """Base class of every error raised by the htools library."""


class LoaderError(HtoolsError):
    """A cluster description could not be loaded (bad file, bad field, bad reference).

    `ganeti_message` is the sentence Ganeti's tools print for the same problem;
    `path`, `line` and `field` say where it is. `str()` gives the sentence
    followed by the location: `Invalid ... i1 (file.data:6, field 'auto_balance')`.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.ganeti_message = message
        self.path = path
        self.line = line
        self.field = field
        super().__init__(message + self.location_suffix())

    def location_suffix(self) -> str:
        """` (file:line, field 'x')`, or what part of it is known ('' if nothing)."""
        if self.path is None:
            return ""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        if self.field is not None:
            where += f", field '{self.field}'"
        return f" ({where})"


class LookupError_(HtoolsError):
    """A name given by the user does not match exactly one node, instance or group."""
