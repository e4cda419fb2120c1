"""SLO compliance over a window of probe history: availability, p95/p99 latency,
error rate, error budget remaining and burn rate, per connection."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any, NamedTuple

from connreg_gate.probes import history
from connreg_gate.probes.model import DOWN
from connreg_gate.registry.load import Registry


class SloReport(NamedTuple):
    id: str
    samples: int
    availability: float | None
    latency_p95_ms: float | None
    latency_p99_ms: float | None
    error_rate: float | None
    objectives: dict[str, Any]
    met: dict[str, bool]
    error_budget_remaining: float | None  # percent of the window's budget left (negative: overspent)
    burn_rate: float | None  # 1.0 spends the budget exactly over the window

    def to_dict(self) -> dict[str, Any]:
        r = self._asdict()
        for k in ("availability", "latency_p95_ms", "latency_p99_ms", "error_rate", "error_budget_remaining", "burn_rate"):
            if r[k] is not None:
                r[k] = round(r[k], 3)
        return r


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile (no interpolation): a latency that was really observed."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def _parse_ts(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        ts = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return ts if ts.tzinfo else ts.replace(tzinfo=dt.timezone.utc)


def compute(path: Path, registry: Registry, window: dt.timedelta, now: dt.datetime, warnings: list[str]) -> list[SloReport]:
    since = now - window
    samples: dict[str, list[dict[str, Any]]] = {}
    for lineno, rec in history.read(path):
        ts = _parse_ts(rec.get("timestamp")) if rec else None
        if rec is None or ts is None or not isinstance(rec.get("id"), str):
            warnings.append(f"{path}:{lineno}: not a probe record; skipped")
            continue
        if since <= ts <= now:
            samples.setdefault(rec["id"], []).append(rec)
    out = []
    for entry in registry.entries:
        slo = (entry.data.get("health") or {}).get("slo") or {}
        objectives = {k: v for k, v in slo.items() if v is not None} if isinstance(slo, dict) else {}
        recs = samples.get(entry.id, [])
        if not recs and not objectives:
            continue
        n = len(recs)
        down = sum(1 for r in recs if r.get("status") == DOWN)
        lat = [float(r["latency_ms"]) for r in recs if r.get("status") != DOWN and isinstance(r.get("latency_ms"), (int, float))]
        availability = 100.0 * (n - down) / n if n else None
        error_rate = 100.0 * down / n if n else None
        p95, p99 = percentile(lat, 95), percentile(lat, 99)
        met: dict[str, bool] = {}
        if n:
            if "availability" in objectives:
                met["availability"] = availability >= objectives["availability"]  # type: ignore[operator]
            if "error_rate" in objectives:
                met["error_rate"] = error_rate <= objectives["error_rate"]  # type: ignore[operator]
            if "latency_p95_ms" in objectives and p95 is not None:
                met["latency_p95_ms"] = p95 <= objectives["latency_p95_ms"]
            if "latency_p99_ms" in objectives and p99 is not None:
                met["latency_p99_ms"] = p99 <= objectives["latency_p99_ms"]
        remaining = burn = None
        if n and "availability" in objectives:
            allowed = (100.0 - objectives["availability"]) / 100.0
            if allowed > 0:
                burn = (down / n) / allowed
                remaining = 100.0 * (1 - burn)
            else:
                burn = math.inf if down else 0.0
                remaining = 0.0 if down else 100.0
        out.append(SloReport(entry.id, n, availability, p95, p99, error_rate, objectives, met, remaining, burn))
    return out
