"""GitLab Code Quality report (the Code Climate JSON subset GitLab reads)."""
from __future__ import annotations

import json
from typing import TextIO

from connreg_gate import redact
from connreg_gate.gate import GateResult
from connreg_gate.report.sarif import fingerprint

SEVERITY = {"error": "critical", "warning": "minor", "note": "info"}


def write(result: GateResult, out: TextIO) -> None:
    issues = []
    for f in result.findings:
        issues.append({
            "description": redact.mask(f.message),
            "check_name": f"connreg/{f.check}",
            "fingerprint": fingerprint(f),
            "severity": "blocker" if f.check == "readiness" and f.severity == "error" else SEVERITY.get(f.severity, "info"),
            "location": {"path": f.path or result.registry_path, "lines": {"begin": max(1, f.line)}},
        })
    json.dump(issues, out, indent=2)
    out.write("\n")
