"""Build probe specs from the registry and run them concurrently with strict timeouts."""
from __future__ import annotations

import asyncio
import datetime as dt
import fnmatch
import time
from pathlib import Path
from typing import Any, Iterable

from connreg_gate import redact
from connreg_gate.errors import InputError
from connreg_gate.probes import checks, secrets
from connreg_gate.probes.model import DEGRADED, DOWN, HEALTHY, ProbeResult, ProbeSpec
from connreg_gate.registry.load import Registry

DEFAULT_TIMEOUT_MS = 5000
DEFAULT_CONCURRENCY = 32


def specs_from_registry(registry: Registry, only_id: str | None = None) -> list[ProbeSpec]:
    out = []
    for entry in registry.entries:
        if only_id and entry.id != only_id:
            continue
        health = entry.data.get("health") or {}
        slo = health.get("slo") or {}
        has_slo = any(v is not None for v in slo.values()) if isinstance(slo, dict) else False
        for probe in health.get("probes") or []:
            out.append(ProbeSpec(
                connection_id=entry.id,
                type=probe["type"],
                target=str(probe.get("target") or ""),
                timeout_ms=int(probe.get("timeout_ms") or DEFAULT_TIMEOUT_MS),
                expected_response=probe.get("expected_response"),
                query=probe.get("query"),
                command=tuple(probe.get("command") or ()),
                headers=tuple(sorted((probe.get("headers") or {}).items())),
                secrets_ref=entry.data.get("secrets_ref"),
                latency_budget_ms=slo.get("latency_p95_ms") if isinstance(slo, dict) else None,
                has_slo=has_slo,
            ))
    if only_id and not out:
        raise InputError(f"--id {only_id}: no such connection with probes in {registry.path}")
    return out


def check_allowed(specs: Iterable[ProbeSpec], allow_hosts: tuple[str, ...]) -> None:
    """`--allow-hosts` narrows the declared targets further (fnmatch patterns on the host)."""
    if not allow_hosts:
        return
    for spec in specs:
        if spec.type == "custom":
            continue
        host, _ = checks.host_port(spec.target, 0)
        if not any(fnmatch.fnmatchcase(host, pat) for pat in allow_hosts):
            raise InputError(
                f"{spec.connection_id}: target host {host!r} is not allowed by --allow-hosts {','.join(allow_hosts)}"
            )


def _scrub(message: str, secret: str | None) -> str:
    if secret:
        message = message.replace(secret, redact.MASK)
    return redact.mask(message)


async def _run_one(spec: ProbeSpec, base: Path, sem: asyncio.Semaphore, client: Any) -> ProbeResult:
    target = redact.mask(spec.target)
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    async with sem:
        secret = None
        try:
            secret = secrets.resolve(spec.secrets_ref, base)
        except InputError as exc:
            return ProbeResult(spec.connection_id, spec.type, target, DOWN, None, str(exc), now)
        check = checks.CHECKS.get(spec.type)
        if check is None:
            return ProbeResult(spec.connection_id, spec.type, target, DOWN, None, f"unknown probe type {spec.type!r}", now)
        started = time.perf_counter()
        status, error = HEALTHY, ""
        try:
            coro = check(spec, secret, client) if check is checks.http else check(spec, secret)
            status = await asyncio.wait_for(coro, timeout=spec.timeout_ms / 1000)
        except asyncio.TimeoutError:
            status, error = DOWN, f"timed out after {spec.timeout_ms} ms"
        except checks.DegradedResult as exc:
            status, error = DEGRADED, str(exc)
        except checks.MissingDriver as exc:
            status, error = DOWN, str(exc)
        except Exception as exc:  # noqa: BLE001 - any failure of the remote side is a verdict
            status, error = DOWN, f"{type(exc).__name__}: {exc}".strip().rstrip(":")
        latency = (time.perf_counter() - started) * 1000
        if status == HEALTHY:
            budget = spec.latency_budget_ms
            if budget is not None and latency > budget:
                status, error = DEGRADED, f"latency {latency:.0f} ms over the SLO p95 of {budget:g} ms"
        return ProbeResult(spec.connection_id, spec.type, target, status,
                           latency if status != DOWN or "timed out" not in error else None,
                           _scrub(error, secret), now)


async def run_async(specs: list[ProbeSpec], base: Path, concurrency: int = DEFAULT_CONCURRENCY, transport: Any = None) -> list[ProbeResult]:
    """Run every probe; ``transport`` is an httpx transport (tests may inject one)."""
    sem = asyncio.Semaphore(concurrency)
    client = None
    if any(s.type in ("http", "https") for s in specs):
        import httpx

        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=0)
        client = httpx.AsyncClient(transport=transport, follow_redirects=False, limits=limits)
    try:
        results = await asyncio.gather(*(_run_one(s, base, sem, client) for s in specs))
    finally:
        if client is not None:
            await client.aclose()
    return sorted(results, key=lambda r: (r.connection_id, r.type, r.target))


def run(specs: list[ProbeSpec], base: Path, concurrency: int = DEFAULT_CONCURRENCY, transport: Any = None) -> list[ProbeResult]:
    return asyncio.run(run_async(specs, base, concurrency, transport))


def untrusted_fork() -> str | None:
    """The reason to refuse when running for a pull request from a fork (untrusted registry)."""
    import json
    import os

    if os.environ.get("GITHUB_EVENT_NAME") not in ("pull_request", "pull_request_target"):
        return None
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
        head = event["pull_request"]["head"]["repo"]["full_name"]
        base = event["pull_request"]["base"]["repo"]["full_name"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if head != base:
        return f"this pull request comes from the fork {head}; its registry is untrusted, so probing is refused (--allow-fork overrides)"
    return None
