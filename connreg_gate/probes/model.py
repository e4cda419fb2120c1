"""Probe specs and results."""
from __future__ import annotations

from typing import Any, NamedTuple

HEALTHY, DEGRADED, DOWN = "healthy", "degraded", "down"


class ProbeSpec(NamedTuple):
    connection_id: str
    type: str
    target: str
    timeout_ms: int
    expected_response: Any = None
    query: str | None = None
    command: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    secrets_ref: str | None = None
    latency_budget_ms: float | None = None  # from the entry's SLO (p95), for `degraded`
    has_slo: bool = False


class ProbeResult(NamedTuple):
    connection_id: str
    type: str
    target: str  # masked
    status: str
    latency_ms: float | None
    error: str = ""
    timestamp: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.connection_id, "type": self.type, "target": self.target, "status": self.status,
            "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 2),
            "error": self.error, "timestamp": self.timestamp,
        }
