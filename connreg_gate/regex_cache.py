"""Compiled regex programs kept on disk between runs.

``re.compile`` spends nearly all its time in the pure-Python parser and code generator:
the ~60 rule patterns a 4,600-file Django tree needs take 25-35 ms to compile, in every
process of a forked scan, on every commit. The program the generator emits is a list of
integers that ``_sre.compile`` turns into a pattern in microseconds. This module keeps
those programs in a `marshal` file (which cannot run code on load, unlike pickle), one
per interpreter build and regex engine version, and compiles what is missing the
ordinary way. Only the patterns a run actually used are stored, so loading stays well
under a millisecond on the pre-commit path.

Anything unexpected (another Python, an engine without these internals, a damaged file,
a program ``_sre`` rejects) falls back to ``re.compile``: the cache only ever costs
speed, never changes what a pattern matches. ``CONNREG_NO_CACHE`` turns it off.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

try:  # CPython's internals: re._parser/_compiler from 3.11, sre_parse/sre_compile before
    import _sre

    if sys.version_info >= (3, 11):
        from re import _compiler as _sre_compiler
        from re import _parser as _sre_parser
    else:  # pragma: no cover - exercised on Python 3.10 only
        import sre_compile as _sre_compiler
        import sre_parse as _sre_parser
    _ENGINE: str | None = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{_sre.MAGIC}-{_sre.CODESIZE}"
except (ImportError, AttributeError):  # pragma: no cover - another implementation
    _ENGINE = None

# Entries kept at most: a few runs over different trees use a few hundred.
MAX_ENTRIES = 4000

_Program = tuple  # (final flags, code, groups, groupindex, indexgroup)
_stored: dict[tuple[str, int], _Program] | None = None  # loaded lazily, once per process
_fresh: dict[tuple[str, int], _Program] = {}  # compiled here and not yet on disk


def _enabled() -> bool:
    from connreg_gate.cache_dir import caching_off

    return _ENGINE is not None and not caching_off()


def _path() -> Path:
    from connreg_gate.cache_dir import cache_root

    return cache_root() / f"regex-{_ENGINE}.marshal"


def _load() -> dict[tuple[str, int], _Program]:
    global _stored
    if _stored is None:
        _stored = {}
        if _enabled():
            import marshal

            try:
                engine, entries = marshal.loads(_path().read_bytes())
                if engine == _ENGINE:
                    _stored = {(rx, fl): prog for rx, fl, *prog in entries}
            except (OSError, ValueError, EOFError, TypeError):
                pass  # missing or damaged: compile as usual, rewrite later
    return _stored


def _program(regex: str, flags: int) -> _Program:
    """What ``re.compile`` hands to ``_sre.compile``, as plain marshallable values."""
    parsed = _sre_parser.parse(regex, flags)
    code = [int(op) for op in _sre_compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))


def _build(regex: str, prog: _Program) -> re.Pattern[str]:
    final_flags, code, groups, groupindex, indexgroup = prog
    return _sre.compile(regex, final_flags, code, groups, groupindex, indexgroup)


def compile(regex: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - mirrors re.compile
    """``re.compile(regex, flags)``, from the stored program when there is one."""
    flags = int(flags)
    if not _enabled():
        return re.compile(regex, flags)
    key = (regex, flags)
    prog = _load().get(key)
    if prog is not None:
        try:
            return _build(regex, prog)
        except (RuntimeError, TypeError, ValueError, OverflowError):
            _load().pop(key, None)  # a program this engine rejects: compile it afresh
    try:
        prog = _program(regex, flags)
        pattern = _build(regex, prog)
    except re.error:
        raise  # a bad pattern fails as re.compile would fail
    except Exception:  # noqa: BLE001 - internals changed: the public API still works
        return re.compile(regex, flags)
    _fresh[key] = prog
    return pattern


def take_fresh() -> dict[tuple[str, int], _Program]:
    """The programs compiled in this process since the last call (a forked scanner's
    child sends them to its parent, which stores them)."""
    fresh = dict(_fresh)
    _fresh.clear()
    return fresh


def add_fresh(programs: dict[tuple[str, int], _Program]) -> None:
    """Programs another process compiled, to be stored by :func:`save`."""
    if _enabled():
        stored = _load()
        _fresh.update({k: v for k, v in programs.items() if k not in stored})


def save() -> None:
    """Store the programs compiled since the last save, atomically; nothing is written
    when every pattern came from the file. A read-only home only costs speed."""
    if not _fresh or not _enabled():
        return
    import marshal

    stored = _load()
    stored.update(_fresh)
    _fresh.clear()
    if len(stored) > MAX_ENTRIES:  # keep the newest: dicts remember insertion order
        for key in list(stored)[: len(stored) - MAX_ENTRIES]:
            del stored[key]
    path = _path()
    entries = tuple((rx, fl, *prog) for (rx, fl), prog in stored.items())
    try:
        payload = marshal.dumps((_ENGINE, entries))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(payload)
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass


def _forget_loaded() -> None:
    """Tests: read the file again on next use."""
    global _stored
    _stored = None
    _fresh.clear()

