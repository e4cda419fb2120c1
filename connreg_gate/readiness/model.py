"""Checkpoint records, loaded once from checkpoints.yaml and validated by schema in tests."""
from __future__ import annotations

import re
from typing import Any, NamedTuple

from connreg_gate.models import Pattern

WEIGHTS = {"S": 10, "M": 5, "W": 2}
SEVERITY_WEIGHT = {"blocker": 10.0, "major": 5.0, "minor": 2.5}


class Signal(NamedTuple):
    name: str
    strength: str  # S | M | W | X (forces fail) | XP (caps at partial)
    scopes: frozenset[str]
    describe: str
    pattern: Pattern | None = None
    keywords: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()
    packages: tuple[tuple[str, str], ...] = ()  # (ecosystem, name glob)
    dev_ok: bool = False
    facts: tuple[str, ...] = ()  # satisfied when these facts hold (cross-checks on discovery)


class Checkpoint(NamedTuple):
    id: str
    title: str
    severity: str
    applies_when: tuple[tuple[str, ...], ...]  # all of (any of ...)
    signals: tuple[Signal, ...]
    require: tuple[tuple[str, ...], ...]  # all of (any of signal names)
    remediation: str
    external: bool = False  # evidence often lives outside the repo (DNS, dashboards)

    @property
    def category(self) -> str:
        return self.id.split(".", 1)[0]


def _and_of_or(value: Any) -> tuple[tuple[str, ...], ...]:
    if not value:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(tuple(part.strip() for part in str(item).split("|")) for item in items)


def signal_from(d: dict[str, Any]) -> Signal:
    from connreg_gate.literals import required_literals

    pattern = None
    keywords: tuple[str, ...] = ()
    if d.get("pattern"):
        # MULTILINE: ^ and $ anchor at line boundaries, as the catalog's patterns mean.
        flags = re.MULTILINE | (re.IGNORECASE if d.get("ignore_case", True) else 0)
        pattern = Pattern(d["pattern"], flags)
        keywords = tuple(k.lower() for k in d.get("keywords", ())) or required_literals(d["pattern"])
    scopes = d.get("scope", ["any"])
    packages = []
    for eco, names in sorted((d.get("packages") or {}).items()):
        packages.extend((eco, n.lower()) for n in names)
    return Signal(
        name=d["name"], strength=d["strength"], scopes=frozenset(scopes if isinstance(scopes, list) else [scopes]),
        describe=d.get("describe") or d.get("pattern") or ", ".join(d.get("glob", [])) or "dependency",
        pattern=pattern, keywords=keywords, globs=tuple(d.get("glob", ())), packages=tuple(packages),
        dev_ok=bool(d.get("dev_ok")), facts=tuple(d.get("facts", ())),
    )


def checkpoint_from(d: dict[str, Any]) -> Checkpoint:
    return Checkpoint(
        id=d["id"], title=d["title"], severity=d["severity"], applies_when=_and_of_or(d.get("applies_when")),
        signals=tuple(signal_from(s) for s in d["signals"]), require=_and_of_or(d.get("require")),
        remediation=d.get("remediation", ""), external=bool(d.get("external")),
    )
