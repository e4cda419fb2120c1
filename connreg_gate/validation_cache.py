"""Remember documents that already passed schema validation, keyed by content hash.

jsonschema costs ~60 ms to import; the pre-commit path re-reads an unchanged
registry and config on every commit. A document is validated again whenever its
bytes (or the package version, which pins the schemas) change.
"""
from __future__ import annotations

import os
from pathlib import Path

from connreg_gate import __version__
from connreg_gate.cache_dir import cache_root, caching_off


def _cache_file() -> Path | None:
    return cache_root() / "validated.txt"


def _key(kind: str, text: str) -> str:
    import hashlib  # only when a document is validated or looked up

    return hashlib.sha256(f"{__version__}\0{kind}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


def is_known_valid(kind: str, text: str) -> bool:
    if caching_off():
        return False
    path = _cache_file()
    try:
        return path is not None and _key(kind, text) in path.read_text(encoding="ascii").split()
    except OSError:
        return False


def remember_valid(kind: str, text: str) -> None:
    if caching_off():
        return
    path = _cache_file()
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = path.read_text(encoding="ascii").split() if path.exists() else []
        lines = (lines + [_key(kind, text)])[-500:]
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="ascii")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home must never break the gate
