"""Gather one snapshot of registry, discovery, probe history, spend and readiness, and
write the four dashboards atomically."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

from connreg_gate import yamlio
from connreg_gate.report.html.pages import RENDERERS, DashboardData


def readiness_history(root: Path, rel: str = "readiness_scorecard.yaml", limit: int = 30) -> list[tuple[str, int, int]]:
    proc = subprocess.run(["git", "log", f"-{limit}", "--format=%H%x09%as", "--", rel], cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        return []
    points: dict[str, tuple[int, int]] = {}
    for line in reversed(proc.stdout.splitlines()):
        sha, _, day = line.partition("\t")
        show = subprocess.run(["git", "show", f"{sha}:{rel}"], cwd=root, capture_output=True, text=True)
        if show.returncode != 0:
            continue
        try:
            summary = (yaml.safe_load(show.stdout) or {}).get("summary") or {}
            points[day] = (int(summary["passed"]), int(summary["applicable"]))
        except (yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError):
            continue
    return [(day, p, a) for day, (p, a) in sorted(points.items())]


def entries_of(registry: Any) -> list[dict[str, Any]]:
    return [{"section": e.section, "id": e.id, "provider": e.provider, "category": e.category,
             "owner": e.data.get("owner") or "", "status": e.status, "data": e.data} for e in registry.entries]


def write(out_dir: Path, data: DashboardData) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, render in RENDERERS.items():
        path = out_dir / filename
        yamlio.atomic_write(path, render(data))
        written.append(path)
    return written


def snapshot(project: str, registry: Any, unregistered: list[dict[str, Any]], history: list[dict[str, Any]] | None,
             slo: Any, spends: Any, readiness: Any, readiness_summary: Any, readiness_hist: list[tuple[str, int, int]],
             history_path: str) -> DashboardData:
    return DashboardData(project, entries_of(registry), unregistered, history, slo, spends, readiness, readiness_summary,
                         readiness_hist, history_path)


