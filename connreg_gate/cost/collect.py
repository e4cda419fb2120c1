"""Gather usage records from every configured source, deduplicated, as one stream."""
from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any, Iterable, Iterator

from connreg_gate.cost import apis, sources
from connreg_gate.cost.records import UsageRecord
from connreg_gate.errors import InputError
from connreg_gate.probes import secrets
from connreg_gate.registry.load import Registry


def api_sources(registry: Registry | None) -> list[tuple[str, str, str | None, str]]:
    """(type, base url, secrets_ref, entry id) for every `cost.usage` API source in the registry."""
    out = []
    if registry is None:
        return out
    for e in registry.entries:
        for src in ((e.data.get("cost") or {}).get("usage") or []):
            if src.get("type") in apis.FETCHERS:
                out.append((src["type"], src.get("url") or apis.DEFAULT_BASE[src["type"]],
                            src.get("secrets_ref") or e.data.get("secrets_ref"), e.id))
    return out


def file_sources(registry: Registry | None, root: Path) -> list[Path]:
    out = []
    if registry is None:
        return out
    for e in registry.entries:
        for src in ((e.data.get("cost") or {}).get("usage") or []):
            if src.get("type") in ("jsonl", "csv", "otlp") and src.get("path"):
                out.append(root / src["path"])
    return out


def records(paths: Iterable[Path], registry: Registry | None, root: Path, as_of: dt.date,
            problems: sources.Problems, transport: Any = None) -> Iterator[UsageRecord]:
    streams: list[Iterable[UsageRecord]] = []
    for path in [*paths, *file_sources(registry, root)]:
        if not path.exists():
            raise InputError(f"{path}: no such usage file")
        streams.append(sources.read_file(path, problems))
    month_start = dt.datetime.combine(as_of.replace(day=1), dt.time.min, tzinfo=dt.timezone.utc)
    for kind, base, ref, entry_id in api_sources(registry):
        token = secrets.resolve(ref, root)
        if not token:
            raise InputError(f"{entry_id}: usage source {kind} needs a credential; set secrets_ref (env://VAR or file://path)")
        streams.append(apis.FETCHERS[kind](base, token, month_start, transport))
    return sources.dedupe(itertools.chain.from_iterable(streams), problems)
