"""Single points of failure visible in the registry."""
from __future__ import annotations

from typing import NamedTuple

from connreg_gate.probes import checks
from connreg_gate.registry.load import Registry


class Spof(NamedTuple):
    kind: str  # no_replica | single_provider | shared_host
    subject: str
    message: str


def find(registry: Registry) -> list[Spof]:
    out: list[Spof] = []
    active = [e for e in registry.entries if e.status not in ("stale", "deprecated")]
    for e in active:
        if e.section == "backend_connections" and not (e.data.get("replicas") or []) and len(e.data.get("endpoints") or []) <= 1:
            out.append(Spof("no_replica", e.id, f"{e.id} ({e.provider}) declares no replica endpoint"))
    by_category: dict[str, set[str]] = {}
    for e in active:
        by_category.setdefault(e.category, set()).add(e.provider)
    for category, providers in sorted(by_category.items()):
        if len(providers) == 1:
            (only,) = providers
            out.append(Spof("single_provider", category, f"{category} is served by one provider ({only}) with no fallback"))
    hosts: dict[str, set[str]] = {}
    for e in active:
        for probe in (e.data.get("health") or {}).get("probes") or []:
            target = probe.get("target")
            if probe.get("type") == "custom" or not target:
                continue
            try:
                host, _ = checks.host_port(str(target), 0)
            except ValueError:
                continue
            hosts.setdefault(host, set()).add(e.id)
    for host, ids in sorted(hosts.items()):
        if len(ids) > 1:
            out.append(Spof("shared_host", host, f"probes of {', '.join(sorted(ids))} share the host {host}"))
    return sorted(out)
