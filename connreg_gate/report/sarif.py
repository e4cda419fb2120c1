"""SARIF 2.1.0 for code scanning: one rule per kind of finding, results with physical
locations and partialFingerprints that ignore line numbers, so a finding keeps its
identity when code moves and code scanning de-duplicates it across runs."""
from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO

from connreg_gate import __version__, redact
from connreg_gate.gate import Finding, GateResult

RULES: dict[str, tuple[str, str, str, str]] = {
    # check: (id, name, short description, help)
    "unregistered": ("CRG001", "UnregisteredConnection", "A connection the code uses is missing from the registry",
                     "Every backend connection and external API must have an owned, reviewed entry in "
                     "connections_registry.yaml. Run `connreg sync`, fill in owner and secrets_ref, and commit; or "
                     "suppress the line with `connreg: ignore[provider] -- reason`."),
    "invalid_registry": ("CRG002", "InvalidRegistry", "The registry does not validate",
                         "Run `connreg validate` and fix each file:line:column it reports."),
    "missing_registry": ("CRG003", "MissingRegistry", "There is no connections registry",
                         "Create it with `connreg init`, review it and commit it."),
    "stale": ("CRG004", "StaleRegistryEntry", "A registry entry is no longer used by the code",
              "Run `connreg sync` to mark it stale or `connreg sync --prune` to remove it."),
    "suppressed": ("CRG005", "SuppressedConnection", "A connection was suppressed inline",
                   "Suppressions are listed so reviewers can check each reason."),
    "budget": ("CRG006", "BudgetOverrun", "An LLM API is over or near its monthly budget",
               "Raise cost.budget_monthly in the registry or reduce usage; `connreg cost` shows the detail."),
    "readiness": ("CRG008", "ReadinessBlocker", "A commercial-readiness checkpoint fails or regressed",
                  "Run `connreg readiness -v` for the evidence and what was looked for; fix it or attest it in "
                  "readiness_scorecard.yaml."),
    "rate_limit": ("CRG007", "RateLimitExceeded", "Peak usage exceeded the declared rate limit",
                   "Raise quotas.rpm/tpm or spread the load."),
}
LEVELS = {"error": "error", "warning": "warning", "note": "note"}


def fingerprint(f: Finding) -> str:
    # Identity without line numbers (they change when code moves).
    return hashlib.sha256(f"{f.check}\0{f.provider}\0{f.path}\0{f.title}".encode()).hexdigest()[:32]


def as_dict(result: GateResult) -> dict[str, Any]:
    used = sorted({f.check for f in result.findings if f.check in RULES}, key=lambda c: RULES[c][0])
    index = {check: i for i, check in enumerate(used)}
    rules = []
    for check in used:
        rid, name, short, help_text = RULES[check]
        rules.append({
            "id": rid, "name": name,
            "shortDescription": {"text": short},
            "fullDescription": {"text": help_text},
            "help": {"text": help_text, "markdown": help_text},
            "defaultConfiguration": {"level": "error" if check in ("unregistered", "invalid_registry", "missing_registry") else "warning"},
            "properties": {"tags": ["connections", "registry"]},
        })
    results = []
    for f in result.findings:
        if f.check not in RULES:
            continue
        item: dict[str, Any] = {
            "ruleId": RULES[f.check][0],
            "ruleIndex": index[f.check],
            "level": LEVELS.get(f.severity, "note"),
            "message": {"text": redact.mask(f.message + (f" Fix: {f.fix}" if f.fix else ""))},
            "partialFingerprints": {"connregFinding/v1": fingerprint(f)},
        }
        if f.path:
            location: dict[str, Any] = {"artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"}}
            if f.line:
                location["region"] = {"startLine": f.line}
            item["locations"] = [{"physicalLocation": location}]
        results.append(item)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "connreg-gate", "version": __version__, "semanticVersion": __version__,
                "informationUri": "https://github.com/connreg-gate/connreg-gate", "rules": rules,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root."}}},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }


def write(result: GateResult, out: TextIO) -> None:
    json.dump(as_dict(result), out, indent=2)
    out.write("\n")
