"""The one exception hierarchy of ganeti-shell, named after Ganeti's.

Each error can encode itself as Ganeti's ``[class_name, [args...]]`` pair,
which is how job results carry failures and how the Cluster API hands them
to clients (in the ``ganeti-error`` trailing metadata).
"""

from __future__ import annotations

import json
from typing import Any


class GanetiError(Exception):
    """Base of every error an operator may see."""

    def encode(self) -> list[Any]:
        return [type(self).__name__, [str(a) if not isinstance(a, int) else a for a in self.args]]

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else type(self).__name__


class ConfigError(GanetiError):
    """The configuration is inconsistent or an object is missing."""


class StoreError(GanetiError):
    """The persistent state cannot be read or written."""


class OpPrereqError(GanetiError):
    """A precondition of an opcode does not hold; args are (message, error code)."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(*((message, code) if code else (message,)))

    @property
    def code(self) -> str | None:
        return self.args[1] if len(self.args) > 1 else None


class OpExecError(GanetiError):
    """An opcode failed while executing."""


class ParameterError(GanetiError):
    """An unknown or invalid parameter name."""


class OpCodeError(GanetiError):
    """An opcode failed validation at submission (a protocol error in Ganeti)."""


class JobLost(GanetiError):
    """A job id that is not in the queue."""


class QueueDrained(GanetiError):
    """Submission refused because the drain flag is set."""


class RpcError(GanetiError):
    """A node did not answer or refused a call."""


class MasterUnreachable(GanetiError):
    """The master does not answer at the address the client resolved."""


class SecurityError(GanetiError):
    """A certificate, token or peer identity check failed."""


_CLASSES: dict[str, type[GanetiError]] = {
    cls.__name__: cls
    for cls in (
        GanetiError,
        ConfigError,
        StoreError,
        OpPrereqError,
        OpExecError,
        ParameterError,
        OpCodeError,
        JobLost,
        QueueDrained,
        RpcError,
        MasterUnreachable,
        SecurityError,
    )
}


def decode_error(encoded: Any) -> GanetiError:
    """Rebuild an error from its ``[class_name, [args...]]`` form."""
    if isinstance(encoded, str):
        try:
            encoded = json.loads(encoded)
        except ValueError:
            return OpExecError(encoded)
    if isinstance(encoded, list) and len(encoded) == 2 and isinstance(encoded[1], list):
        cls = _CLASSES.get(str(encoded[0]), GanetiError)
        return cls(*encoded[1])
    return OpExecError(str(encoded))
