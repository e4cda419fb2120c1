"""Inline suppressions: `connreg: ignore` or `connreg: ignore[provider, ...] -- reason`."""
from __future__ import annotations

from connreg_gate import regex_cache

MARKER = "connreg:"
_IGNORE = regex_cache.compile(r"connreg:\s*ignore(?:\[(?P<providers>[\w\s,.-]*)\])?(?:\s*(?:--|:|-|—)\s*(?P<reason>[^\n]*?))?\s*(?:\*/|-->|$)")


def suppression(line: str, provider: str) -> str | None:
    """The reason ('' when none was given) if ``line`` suppresses ``provider``, else None."""
    if MARKER not in line:
        return None
    m = _IGNORE.search(line)
    if not m:
        return None
    wanted = m.group("providers")
    if wanted is not None:
        names = {p.strip() for p in wanted.split(",") if p.strip()}
        if provider not in names:
            return None
    return (m.group("reason") or "").strip()
