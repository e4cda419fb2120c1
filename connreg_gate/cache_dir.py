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
