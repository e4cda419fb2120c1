"""Probe history: one JSON object per line (JSONL), appended atomically per run.

JSONL because it diffs, greps and uploads as a CI artifact without tooling, and
appending a run is a single write. Lines we cannot parse are reported, not fatal.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable, Iterator

from connreg_gate.errors import InputError
from connreg_gate.probes.model import ProbeResult


def append(path: Path, results: Iterable[ProbeResult]) -> None:
    payload = "".join(json.dumps(r.to_dict(), sort_keys=True) + "\n" for r in results)
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND makes one write of the whole run atomic with respect to other appenders.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, payload.encode("utf-8"))
    finally:
        os.close(fd)


def read(path: Path) -> Iterator[tuple[int, dict | None]]:  # type: ignore[type-arg]
    try:
        fh = open(path, encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no probe history yet; run `connreg probe --history {path}` first") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                yield n, rec if isinstance(rec, dict) else None
            except ValueError:
                yield n, None
