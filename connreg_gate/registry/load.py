"""Read and validate `connections_registry.yaml`: schema errors and semantic errors,
each with file:line:column and the field path."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator, NamedTuple

from connreg_gate import validation_cache, yamlio
from connreg_gate.errors import InputError, MissingRegistryError, RegistryError

SECTIONS = ("backend_connections", "external_apis")
_USERINFO_PASSWORD = re.compile(r"://[^/@\s:]*:[^/@\s]+@")


class Problem(NamedTuple):
    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.field}: {self.message}"


class Entry(NamedTuple):
    section: str
    index: int
    id: str
    provider: str
    category: str
    status: str
    data: dict[str, Any]
    line: int = 1


class Registry(NamedTuple):
    path: str
    entries: tuple[Entry, ...]

    def by_provider(self) -> dict[str, list[Entry]]:
        out: dict[str, list[Entry]] = {}
        for e in self.entries:
            out.setdefault(e.provider, []).append(e)
        return out

    def ids(self) -> set[str]:
        return {e.id for e in self.entries}


def _json_path(parts: list[Any]) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def _semantic(loaded: yamlio.LoadedYaml) -> Iterator[Problem]:
    doc = loaded.data
    seen: dict[str, str] = {}

    def problem(parts: list[Any], message: str) -> Problem:
        line, col = loaded.position(parts)
        return Problem(loaded.path, line, col, _json_path(parts), message)

    for section in SECTIONS:
        for i, entry in enumerate(doc.get(section) or []):
            if not isinstance(entry, dict):
                continue
            eid = entry.get("id")
            if isinstance(eid, str):
                if eid in seen:
                    yield problem([section, i, "id"], f"duplicate id {eid!r} (already used at {seen[eid]})")
                else:
                    line, col = loaded.position([section, i, "id"])
                    seen[eid] = f"line {line}"
            for j, endpoint in enumerate(entry.get("endpoints") or []):
                if isinstance(endpoint, str) and _USERINFO_PASSWORD.search(endpoint):
                    yield problem([section, i, "endpoints", j],
                                  "endpoint carries a password; store the credential behind secrets_ref instead")
            for key in ("replicas",):
                for j, endpoint in enumerate(entry.get(key) or []):
                    if isinstance(endpoint, str) and _USERINFO_PASSWORD.search(endpoint):
                        yield problem([section, i, key, j], "endpoint carries a password; use secrets_ref")
            health = entry.get("health") or {}
            for j, probe in enumerate(health.get("probes") or []):
                if isinstance(probe, dict):
                    if probe.get("type") != "custom" and not probe.get("target"):
                        yield problem([section, i, "health", "probes", j], f"{probe.get('type')} probe has no target")
                    if probe.get("type") == "custom" and not probe.get("command"):
                        yield problem([section, i, "health", "probes", j], "custom probe has no command")
                    target = probe.get("target")
                    if isinstance(target, str) and _USERINFO_PASSWORD.search(target):
                        yield problem([section, i, "health", "probes", j, "target"], "probe target carries a password; use secrets_ref")
            cost = entry.get("cost") or {}
            if isinstance(cost, dict) and cost.get("budget_monthly") is not None and not cost.get("pricing") and not cost.get("model"):
                yield problem([section, i, "cost", "budget_monthly"],
                              "a budget needs pricing: set cost.pricing or cost.model (priced from the pricing dataset)")
            slo = health.get("slo") or {}
            if isinstance(slo, dict):
                p95, p99 = slo.get("latency_p95_ms"), slo.get("latency_p99_ms")
                if isinstance(p95, (int, float)) and isinstance(p99, (int, float)) and p95 > p99:
                    yield problem([section, i, "health", "slo", "latency_p95_ms"], f"p95 ({p95} ms) is above p99 ({p99} ms)")
            if section == "backend_connections" and "cost" in entry:
                yield problem([section, i, "cost"], "cost belongs to external_apis entries")


def problems(loaded: yamlio.LoadedYaml, text: str) -> list[Problem]:
    doc = loaded.data
    if doc is None:
        return [Problem(loaded.path, 1, 1, "$", "the registry is empty; expected a mapping with version, backend_connections and external_apis")]
    if not isinstance(doc, dict):
        return [Problem(loaded.path, 1, 1, "$", f"expected a mapping at the top level, got a {type(doc).__name__}")]
    if validation_cache.is_known_valid("registry", text):
        return []
    from connreg_gate.schema import validator  # first: it keeps a slow optional import out

    from jsonschema.exceptions import best_match

    out: list[Problem] = []
    for err in validator("connections_registry").iter_errors(doc):
        errs = [err]
        if err.context:  # oneOf/allOf: report the most relevant sub-error
            errs = [best_match(err.context)]
        for e in errs:
            parts = list(e.absolute_path)
            line, col = loaded.position(parts)
            msg = e.message
            if e.validator == "unevaluatedProperties" or e.validator == "additionalProperties":
                msg = f"unknown key(s): {msg.split('(')[-1].rstrip(')')}" if "(" in msg else msg
            out.append(Problem(loaded.path, line, col, _json_path(parts), msg))
    if not out:
        out.extend(_semantic(loaded))
    out = sorted(set(out), key=lambda p: (p.line, p.column, p.field, p.message))
    if not out:
        validation_cache.remember_valid("registry", text)
    return out


def read(path: Path) -> tuple[yamlio.LoadedYaml, str]:
    if not path.exists():
        raise MissingRegistryError(
            f"{path}: no registry yet. Create it from what the code uses with `connreg init`, review it, and commit it."
        )
    text = yamlio.read_text(path)
    return yamlio.loads(text, str(path), RegistryError), text


def load(path: Path) -> Registry:
    """Parse and validate; raise RegistryError listing every problem."""
    try:
        loaded, text = read(path)
    except (RegistryError, MissingRegistryError):
        raise
    except InputError as exc:  # unreadable, binary, not UTF-8, too large
        raise RegistryError(str(exc)) from None
    found = problems(loaded, text)
    if found:
        raise RegistryError("\n".join(str(p) for p in found))
    return to_registry(loaded)


def to_registry(loaded: yamlio.LoadedYaml) -> Registry:
    entries = []
    for section in SECTIONS:
        for i, e in enumerate(loaded.data.get(section) or []):
            line, _ = loaded.position([section, i])
            entries.append(Entry(section, i, e["id"], e["provider"], e["category"], e.get("status") or "active", e, line))
    return Registry(loaded.path, tuple(entries))
