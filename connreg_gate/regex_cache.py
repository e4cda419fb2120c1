"""Compiled regex programs kept on disk between runs.

``re.compile`` spends nearly all its time in the pure-Python parser and code generator:
the ~60 rule patterns a 4,600-file Django tree needs take 25-35 ms to compile, in every
process of a forked scan, on every commit. The program the generator emits is a list of
integers that ``_sre.compile`` turns into a pattern in microseconds. This module keeps
those programs in a `marshal` file (which cannot run code on load, unlike pickle), one
per interpreter build and regex engine version, and compiles what is missing the
ordinary way. Only the patterns a run actually used are stored. Each program is stored
as its own marshalled bytes under a checksum of its pattern, and decoded only when a
run asks for it: a machine that scans many repositories gathers thousands of programs,
and decoding them all took 5 ms for 1,000 of them on every run.

Anything unexpected (another Python, an engine without these internals, a damaged file,
a program ``_sre`` rejects) falls back to ``re.compile``: the cache only ever costs
speed, never changes what a pattern matches. ``CONNREG_NO_CACHE`` turns it off.
"""
from __future__ import annotations

import os
import re
import sys
import zlib
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
# slot -> marshal.dumps((regex, flags, *program)); loaded lazily, once per process
_stored: dict[int, bytes] | None = None
_fresh: dict[int, bytes] = {}  # compiled here and not yet on disk


def _slot(regex: str, flags: int) -> int:
    """Where a pattern's program is filed. Two patterns may share a slot: the stored
    pattern is compared on load, and the later one simply replaces the other."""
    return zlib.crc32(f"{flags}\0{regex}".encode("utf-8", "surrogatepass"))


def _enabled() -> bool:
    from connreg_gate.cache_dir import caching_off

    return _ENGINE is not None and not caching_off()


def _path() -> Path:
    from connreg_gate.cache_dir import cache_root

    return cache_root() / f"regex-{_ENGINE}.marshal"


def _load() -> dict[int, bytes]:
    global _stored
    if _stored is None:
        _stored = {}
        if _enabled():
            import marshal

            try:
                engine, entries = marshal.loads(_path().read_bytes())
                if engine == _ENGINE and isinstance(entries, dict):
                    _stored = entries
            except (OSError, ValueError, EOFError, TypeError):
                pass  # missing or damaged: compile as usual, rewrite later
    return _stored


def stored(regex: str, flags: int = 0) -> _Program | None:
    """The program on file for ``regex`` and ``flags``, or None."""
    blob = _load().get(_slot(regex, int(flags)))
    if blob is None:
        return None
    import marshal

    try:
        rx, fl, *prog = marshal.loads(blob)
    except (ValueError, EOFError, TypeError):
        return None
    return tuple(prog) if rx == regex and fl == int(flags) and len(prog) == 5 else None


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
    prog = stored(regex, flags)
    if prog is not None:
        try:
            return _build(regex, prog)
        except (RuntimeError, TypeError, ValueError, OverflowError):
            pass  # a program this engine rejects: compile it afresh, and file that
    try:
        prog = _program(regex, flags)
        pattern = _build(regex, prog)
    except re.error:
        raise  # a bad pattern fails as re.compile would fail
    except Exception:  # noqa: BLE001 - internals changed: the public API still works
        return re.compile(regex, flags)
    import marshal

    _fresh[_slot(regex, flags)] = marshal.dumps((regex, flags, *prog))
    return pattern


def take_fresh() -> dict[int, bytes]:
    """The programs compiled in this process since the last call (a forked scanner's
    child sends them to its parent, which stores them)."""
    fresh = dict(_fresh)
    _fresh.clear()
    return fresh


def add_fresh(programs: dict[int, bytes]) -> None:
    """Programs another process compiled, to be stored by :func:`save`."""
    if _enabled():
        on_file = _load()
        _fresh.update({k: v for k, v in programs.items() if on_file.get(k) != v})


def save() -> None:
    """Store the programs compiled since the last save, atomically; nothing is written
    when every pattern came from the file. A read-only home only costs speed."""
    if not _fresh or not _enabled():
        return
    import marshal

    on_file = _load()
    for slot, blob in _fresh.items():
        on_file.pop(slot, None)  # re-filed last: the newest are kept
        on_file[slot] = blob
    _fresh.clear()
    if len(on_file) > MAX_ENTRIES:  # keep the newest: dicts remember insertion order
        for slot in list(on_file)[: len(on_file) - MAX_ENTRIES]:
            del on_file[slot]
    path = _path()
    try:
        payload = marshal.dumps((_ENGINE, on_file))
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

