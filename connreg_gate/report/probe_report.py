"""Reporters for `connreg probe` and `connreg slo` (table and JSON, masked)."""
from __future__ import annotations

import json
from typing import Any, TextIO

from connreg_gate import redact
from connreg_gate.probes.model import ProbeResult
from connreg_gate.probes.slo import SloReport
from connreg_gate.probes.spof import Spof


def probe_dict(results: list[ProbeResult], spofs: list[Spof] | None) -> dict[str, Any]:
    data: dict[str, Any] = {"results": [r.to_dict() for r in results]}
    if spofs is not None:
        data["single_points_of_failure"] = [s._asdict() for s in spofs]
    return redact.mask_data(data)


def write_probe_json(results: list[ProbeResult], spofs: list[Spof] | None, out: TextIO) -> None:
    json.dump(probe_dict(results, spofs), out, indent=2)
    out.write("\n")


def write_probe_table(results: list[ProbeResult], spofs: list[Spof] | None, out: TextIO) -> None:
    if not results:
        out.write("No probes declared: add health.probes to entries in the registry.\n")
    for r in results:
        latency = "-" if r.latency_ms is None else f"{r.latency_ms:.0f} ms"
        line = f"{r.status:<9} {r.connection_id:<20} {r.type:<6} {latency:>8}  {r.target}"
        if r.error:
            line += f"  ({r.error})"
        out.write(redact.mask(line) + "\n")
    counts = {s: sum(1 for r in results if r.status == s) for s in ("healthy", "degraded", "down")}
    out.write(f"{counts['healthy']} healthy, {counts['degraded']} degraded, {counts['down']} down\n")
    if spofs is not None:
        out.write(f"\nSingle points of failure ({len(spofs)})\n")
        for s in spofs:
            out.write(f"  {s.kind:<16} {s.message}\n")


def write_slo_json(reports: list[SloReport], meta: dict[str, Any], out: TextIO) -> None:
    json.dump({**meta, "connections": [r.to_dict() for r in reports]}, out, indent=2, default=str)
    out.write("\n")


def write_slo_table(reports: list[SloReport], out: TextIO) -> None:
    def fmt(v: float | None, unit: str = "") -> str:
        return "-" if v is None else f"{v:.2f}{unit}"

    for r in reports:
        verdict = "no data" if not r.samples else ("MISSED" if not all(r.met.values()) else "met")
        out.write(f"{r.id:<20} {verdict:<7} samples={r.samples} availability={fmt(r.availability, '%')} "
                  f"p95={fmt(r.latency_p95_ms, 'ms')} p99={fmt(r.latency_p99_ms, 'ms')} "
                  f"errors={fmt(r.error_rate, '%')} budget_left={fmt(r.error_budget_remaining, '%')} "
                  f"burn={fmt(r.burn_rate)}\n")
        for name, ok in sorted(r.met.items()):
            if not ok:
                out.write(f"    missed {name}: objective {r.objectives[name]}\n")
