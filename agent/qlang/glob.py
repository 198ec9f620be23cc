"""DNS-name glob patterns (``web*.example.com``) as regular expressions."""

from __future__ import annotations

import re

_GLOB_PARTS = re.compile(r"\*|\?|[^*?]+")


def _glob_part(match: re.Match[str]) -> str:
    text = match.group(0)
    if text == "*":
        return "[^.]*"
    if text == "?":
        return "[^.]"
    return re.escape(text)


def dns_glob_pattern(pattern: str) -> str:
    """``*`` is any run without a dot, ``?`` one non-dot character; a glob names whole leading labels.

    ``web*`` becomes ``^web[^.]*(\\..*)?$``: it matches ``web1`` and
    ``web1.example.com`` but not ``old.web1``.
    """
    return r"^%s(\..*)?$" % _GLOB_PARTS.sub(_glob_part, pattern)
