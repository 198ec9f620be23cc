"""The committed generated gRPC code matches the .proto files."""

from __future__ import annotations

from protos import generate


def test_generated_code_is_not_stale() -> None:
    assert generate.main(["--check"]) == 0
