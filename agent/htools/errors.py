"""The htools exception hierarchy: one base class, one subclass per failure kind."""

from __future__ import annotations


class HtoolsError(Exception):
    """Base class of every error raised by the htools library."""


class LoaderError(HtoolsError):
    """A cluster description could not be loaded (bad file, bad field, bad reference)."""


class LookupError_(HtoolsError):
    """A name given by the user does not match exactly one node, instance or group."""
