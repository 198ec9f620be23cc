"""The `htools:` tag conventions driven by cluster tags (spec §3)."""

from __future__ import annotations

from collections.abc import Sequence

EXCLUSION_PREFIX = "htools:iextags:"
MIGRATION_PREFIX = "htools:migration:"
ALLOW_MIGRATION_PREFIX = "htools:allowmigration:"
LOCATION_PREFIX = "htools:nlocation:"
DESIRED_LOCATION_PREFIX = "htools:desiredlocation:"
STANDBY_PREFIX = "htools:standby:"


def _suffixes(prefix: str, tags: Sequence[str]) -> list[str]:
    return [t[len(prefix):] for t in tags if t.startswith(prefix)]


def exclusion_prefixes(ctags: Sequence[str]) -> list[str]:
    """Instance-tag prefixes that mark exclusion tags (no ':' appended)."""
    return [p for p in _suffixes(EXCLUSION_PREFIX, ctags) if p]


def desired_location_prefixes(ctags: Sequence[str]) -> list[str]:
    """Instance-tag prefixes that mark desired locations."""
    return [p for p in _suffixes(DESIRED_LOCATION_PREFIX, ctags) if p]


def _node_tags(prefix: str, ctags: Sequence[str], ntags: Sequence[str]) -> frozenset[str]:
    out: set[str] = set()
    for kind in _suffixes(prefix, ctags):
        out.update(t for t in ntags if t.startswith(kind + ":"))
    return frozenset(out)


def location_tags(ctags: Sequence[str], ntags: Sequence[str]) -> frozenset[str]:
    """The node's failure-domain tags."""
    return _node_tags(LOCATION_PREFIX, ctags, ntags)


def migration_tags(ctags: Sequence[str], ntags: Sequence[str]) -> frozenset[str]:
    """The node's migration tags."""
    return _node_tags(MIGRATION_PREFIX, ctags, ntags)


def split_at_colons(text: str) -> tuple[str, str] | None:
    """Split `y::z` at the first '::'; None unless the rest has no further '::'."""
    pos = text.find("::")
    if pos < 0:
        return None
    rest = text[pos + 2:]
    if "::" in rest:
        return None
    return text[:pos], rest


def allowed_migrations(ctags: Sequence[str]) -> list[tuple[str, str]]:
    """(source, target) pairs from `htools:allowmigration:Y::Z` tags."""
    out = []
    for raw in _suffixes(ALLOW_MIGRATION_PREFIX, ctags):
        pair = split_at_colons(raw)
        if pair is not None:
            out.append(pair)
    return out


def receive_migration_tags(ctags: Sequence[str], ntags: Sequence[str]) -> frozenset[str]:
    """Migration tags whose instances the node may receive."""
    migs = allowed_migrations(ctags)
    out: set[str] = set()
    for tag in migration_tags(ctags, ntags):
        out.add(tag)
        out.update(src for src, dst in migs if dst == tag)
    return frozenset(out)
