"""readiness_scorecard.yaml: the committed baseline (deterministic, no timestamps) and
the attestations people add for evidence that lives outside the repository."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any, NamedTuple

from connreg_gate import yamlio
from connreg_gate.errors import InputError
from connreg_gate.readiness.evaluate import Result, summary

FILENAME = "readiness_scorecard.yaml"
HEADER = """\
# readiness_scorecard.yaml: the commercial-readiness baseline, written by
# `connreg readiness --write`. `connreg check` fails on a blocker that fails now
# but passed (or was n/a) here. Evidence that lives outside the repository (DNS,
# provider dashboards, a status page) can be attested below with who, why and an
# expiry date; an expired attestation stops counting.
"""


class Attestation(NamedTuple):
    checkpoint: str
    by: str
    why: str
    expires: dt.date
    evidence_url: str = ""


class Baseline(NamedTuple):
    source: str
    statuses: dict[str, str]  # checkpoint id -> status


def read(path: Path) -> tuple[Baseline | None, list[Attestation]]:
    if not path.exists():
        return None, []
    loaded = yamlio.load(path)
    doc = loaded.data or {}
    if not isinstance(doc, dict):
        raise InputError(f"{path}:1:1: expected a mapping with checkpoints and attestations")
    _validate(loaded, doc)
    statuses = {}
    for cid, entry in (doc.get("checkpoints") or {}).items():
        if isinstance(entry, dict) and isinstance(entry.get("status"), str):
            statuses[cid] = entry["status"]
    attestations = []
    for i, a in enumerate(doc.get("attestations") or []):
        line, col = loaded.position(["attestations", i])
        if not isinstance(a, dict):
            raise InputError(f"{path}:{line}:{col}: an attestation must be a mapping")
        missing = [k for k in ("checkpoint", "by", "why", "expires") if not a.get(k)]
        if missing:
            raise InputError(f"{path}:{line}:{col}: attestation lacks {', '.join(missing)}")
        expires = a["expires"]
        if isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires)
            except ValueError:
                raise InputError(f"{path}:{line}:{col}: expires must be a date (YYYY-MM-DD)") from None
        attestations.append(Attestation(str(a["checkpoint"]), str(a["by"]), str(a["why"]), expires, str(a.get("evidence_url") or "")))
    return (Baseline(str(path), statuses) if statuses else None), attestations


def _validate(loaded: yamlio.LoadedYaml, doc: dict[str, Any]) -> None:
    import datetime as _dt

    from connreg_gate.schema import validator

    # YAML reads 2027-01-31 as a date; the schema speaks JSON, so compare as text.
    plain = {**doc, "attestations": [
        {**a, "expires": a["expires"].isoformat() if isinstance(a, dict) and isinstance(a.get("expires"), _dt.date) else a.get("expires")}
        if isinstance(a, dict) else a for a in (doc.get("attestations") or [])]}
    errors = sorted(validator("readiness_scorecard").iter_errors(plain), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        line, col = loaded.position(list(err.absolute_path))
        raise InputError(f"{loaded.path}:{line}:{col}: {err.json_path}: {err.message}")


def apply_attestations(results: list[Result], attestations: list[Attestation], today: dt.date) -> list[Result]:
    by_id = {a.checkpoint: a for a in attestations}
    out = []
    for r in results:
        a = by_id.get(r.id)
        if a is None or r.status in ("pass", "n/a"):
            out.append(r)
        elif a.expires < today:
            out.append(r._replace(attestation_expired=f"attestation by {a.by} expired on {a.expires.isoformat()}"))
        else:
            out.append(r._replace(status="pass", score=8, confidence=min(r.confidence, 0.5),
                                  attested=f"{a.by}: {a.why} (until {a.expires.isoformat()})"))
    return out


def render(results: list[Result], existing: Path | None) -> str:
    rt = yamlio.round_trip()
    from ruamel.yaml.comments import CommentedMap

    doc: Any
    if existing is not None and existing.exists():
        doc = rt.load(existing.read_text(encoding="utf-8")) or CommentedMap()
    else:
        doc = CommentedMap()
    s = summary(results)
    doc["version"] = 1
    doc["summary"] = CommentedMap([("passed", s["passed"]), ("applicable", s["applicable"]), ("percent", s["percent"]),
                                   ("weighted_score", s["weighted_score"]), ("blocking", list(s["blocking"]))])
    cps = CommentedMap()
    for r in sorted(results, key=lambda r: r.id):
        entry = CommentedMap([("status", r.status), ("score", r.score), ("severity", r.severity)])
        cps[r.id] = entry
    doc["checkpoints"] = cps
    if "attestations" not in doc:
        doc["attestations"] = []
    buf = io.StringIO()
    rt.dump(doc, buf)
    text = buf.getvalue()
    return text if text.startswith("#") else HEADER + text
