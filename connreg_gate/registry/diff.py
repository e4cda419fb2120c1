"""Compare what the code uses with what the registry declares.

Identity is the provider (or an entry id equal to the connection id), never a
line number: moving code around changes nothing here.
"""
from __future__ import annotations

from typing import Iterable, NamedTuple

from connreg_gate.models import Connection
from connreg_gate.registry.load import Entry, Registry


class Diff(NamedTuple):
    unregistered: tuple[Connection, ...]  # used by the app, missing from the registry
    registered: tuple[tuple[Connection, Entry], ...]
    stale: tuple[Entry, ...]  # declared but not found (only meaningful for a full scan)
    test_only: tuple[Connection, ...]  # found only in tests/examples/dev deps, ignored by default


def diff(connections: Iterable[Connection], registry: Registry, full_scan: bool, include_test_only: bool = False) -> Diff:
    by_provider = registry.by_provider()
    by_id = {e.id: e for e in registry.entries}
    unregistered: list[Connection] = []
    registered: list[tuple[Connection, Entry]] = []
    test_only: list[Connection] = []
    used: set[str] = set()
    for conn in connections:
        if conn.test_only and not include_test_only:
            test_only.append(conn)
            entry = by_id.get(conn.id) or next(iter(by_provider.get(conn.provider, [])), None)
            if entry is not None:
                used.add(entry.id)
            continue
        entry = by_id.get(conn.id) or next(iter(by_provider.get(conn.provider, [])), None)
        if entry is None:
            unregistered.append(conn)
        else:
            registered.append((conn, entry))
            for e in by_provider.get(conn.provider, [entry]):
                used.add(e.id)
    stale = tuple(e for e in registry.entries if full_scan and e.id not in used and e.status not in ("planned", "deprecated"))
    return Diff(tuple(unregistered), tuple(registered), stale, tuple(test_only))
