"""Reporters for `connreg readiness`: a table and JSON."""
from __future__ import annotations

import json
from typing import Any, TextIO

from connreg_gate import redact
from connreg_gate.readiness.evaluate import Result, summary


def as_dict(results: list[Result], facts: Any) -> dict[str, Any]:
    s = summary(results)
    by_id = {r.id: r for r in results}
    return redact.mask_data({
        "summary": {k: v for k, v in s.items() if k not in ("blocking", "next_actions")},
        "score": f"{s['passed']}/{s['applicable']} ({s['percent']}%)",
        "facts": {k: {"value": v, "why": facts.why.get(k, "")} for k, v in sorted(facts.values.items())},
        "checkpoints": [r.to_dict() for r in results],
        "blockers": [by_id[i].to_dict() for i in s["blocking"]],
        "next_actions": [{"id": i, "severity": by_id[i].severity, "status": by_id[i].status,
                          "remediation": by_id[i].remediation} for i in s["next_actions"]],
    })


def write_json(results: list[Result], facts: Any, out: TextIO) -> None:
    json.dump(as_dict(results, facts), out, indent=2, ensure_ascii=False)
    out.write("\n")


MARK = {"pass": "PASS", "partial": "PART", "fail": "FAIL", "n/a": " n/a"}


def write_table(results: list[Result], facts: Any, out: TextIO, verbose: bool = False) -> None:
    s = summary(results)
    out.write(f"Commercial readiness: {s['passed']}/{s['applicable']} ({s['percent']}%) passed, "
              f"weighted score {s['weighted_score']}/100, {s['total'] - s['applicable']} not applicable\n\n")
    by_cat: dict[str, list[Result]] = {}
    for r in results:
        by_cat.setdefault(r.category, []).append(r)
    for cat, items in sorted(by_cat.items()):
        c = s["categories"][cat]
        out.write(f"{cat:<15} pass {c['pass']:>2}  partial {c['partial']:>2}  fail {c['fail']:>2}  n/a {c['n/a']:>2}\n")
        if verbose:
            for r in items:
                conf = f"{r.confidence:.2f}"
                line = f"  {MARK[r.status]} {r.id:<45} {r.severity:<7} score {r.score if r.score is not None else '-':>2} conf {conf}"
                out.write(line + "\n")
                for h in r.evidence[:3]:
                    out.write(f"       {h.path}:{h.line} [{h.signal}]\n")
                if r.status in ("fail", "partial") and r.looked_for:
                    out.write("       looked for: " + "; ".join(f"{l['looked_for']} in {'/'.join(l['scope'])}" for l in r.looked_for[:3]) + "\n")
                if r.not_applicable:
                    out.write(f"       n/a: {r.not_applicable}\n")
                if r.attested:
                    out.write(f"       attested: {r.attested}\n")
                if r.attestation_expired:
                    out.write(f"       {r.attestation_expired}\n")
    by_id = {r.id: r for r in results}
    if s["blocking"]:
        out.write(f"\nBlocking ({len(s['blocking'])}): blockers not passing\n")
        for cid in s["blocking"]:
            r = by_id[cid]
            out.write(f"  {MARK[r.status]} {cid}: {r.title}\n")
            for l in r.looked_for[:2]:
                out.write(f"       looked for {l['looked_for']} in {'/'.join(l['scope'])}\n")
    out.write("\nNext actions\n")
    for cid in s["next_actions"][:10]:
        r = by_id[cid]
        out.write(f"  [{r.severity}] {cid}: {r.remediation}\n")
    if len(s["next_actions"]) > 10:
        out.write(f"  ... and {len(s['next_actions']) - 10} more (--format json for all)\n")
