"""Where connreg-gate keeps its caches (rule packs, regex programs, validated documents)."""
from __future__ import annotations

import os
from pathlib import Path


def caching_off() -> bool:
    """CONNREG_NO_CACHE set: every cache is neither read nor written."""
    return bool(os.environ.get("CONNREG_NO_CACHE"))


def cache_root() -> Path:
    """$CONNREG_CACHE_DIR, else $XDG_CACHE_HOME, else ~/.cache; then a connreg-gate folder."""
    base = os.environ.get("CONNREG_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "connreg-gate"


def prune(current: Path, pattern: str, keep: int) -> None:
    """Remove all but the ``keep`` newest files matching ``pattern`` beside ``current``,
    never ``current`` itself: each edit or upgrade of the rule packs writes a new cache
    file, and the old ones would otherwise pile up for ever."""
    try:
        others = [p for p in current.parent.glob(pattern) if p != current]
        others.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in others[max(keep - 1, 0):]:
            old.unlink()
    except OSError:
        pass  # another process pruned first, or a read-only cache: only costs disk
