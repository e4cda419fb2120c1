"""Reporters for `connreg scan`: a grouped table, JSON and YAML. Everything is masked."""
from __future__ import annotations

from typing import Any, TextIO

from connreg_gate import redact
from connreg_gate.report import dump_json
from connreg_gate.models import ScanResult


def as_dict(result: ScanResult, with_timing: bool = True) -> dict[str, Any]:
    stats = result.stats()
    if not with_timing:
        stats.pop("seconds", None)
    return redact.mask_data({
        "connections": [c.to_dict() for c in result.connections],
        "suppressed": [
            {"path": s.path, "line": s.line, "rule": s.rule, "provider": s.provider, "reason": s.reason}
            for s in result.suppressed
        ],
        "skipped": [{"path": s.path, "reason": s.reason, **({"files": s.files} if s.files > 1 else {})} for s in result.skipped],
        "stats": stats,
    })


def write_json(result: ScanResult, out: TextIO) -> None:
    dump_json(as_dict(result), out)


def write_yaml(result: ScanResult, out: TextIO) -> None:
    from connreg_gate import yamlio

    out.write(yamlio.dump_plain(as_dict(result)))


def write_table(result: ScanResult, out: TextIO, color: bool = False) -> None:
    def bold(s: str) -> str:
        return f"\033[1m{s}\033[0m" if color else s

    app = [c for c in result.connections if not c.test_only]
    tests = [c for c in result.connections if c.test_only]
    for kind, title in (("backend", "Backend connections"), ("external_api", "External APIs")):
        group = [c for c in app if c.kind == kind]
        out.write(bold(f"{title} ({len(group)})") + "\n")
        if not group:
            out.write("  (none found)\n")
        categories = sorted({c.category for c in group})
        for cat in categories:
            out.write(f"  {cat}\n")
            for c in (c for c in group if c.category == cat):
                strong = sum(1 for e in c.evidence if e.confidence == "strong")
                first = c.evidence[0]
                extra = f" (+{len(c.files) - 1} files)" if len(c.files) > 1 else ""
                out.write(f"    {c.provider:<20} {len(c.evidence):>3} evidence ({strong} strong)  {first.path}:{first.line}{extra}\n")
                details = []
                if c.usage_patterns:
                    details.append("patterns: " + ", ".join(c.usage_patterns))
                if c.env_vars:
                    details.append("env: " + ", ".join(c.env_vars))
                if c.endpoints:
                    details.append("endpoints: " + ", ".join(redact.mask(e) for e in c.endpoints))
                for d in details:
                    out.write(f"      {redact.mask(d)}\n")
        out.write("\n")
    if tests:
        out.write(bold(f"Test-only, examples or dev dependencies ({len(tests)}, not app usage)") + "\n")
        for c in tests:
            first = c.evidence[0]
            out.write(f"    {c.provider:<20} {first.path}:{first.line}\n")
        out.write("\n")
    if result.suppressed:
        out.write(bold(f"Suppressed ({len(result.suppressed)})") + "\n")
        for s in result.suppressed:
            reason = f"  -- {s.reason}" if s.reason else "  (no reason given)"
            out.write(redact.mask(f"    {s.provider:<20} {s.path}:{s.line}  {s.rule}{reason}") + "\n")
        out.write("\n")
    by_reason: dict[str, int] = {}
    for s in result.skipped:
        by_reason[s.reason] = by_reason.get(s.reason, 0) + s.files
    skipped = ", ".join(f"{n} {r}" for r, n in sorted(by_reason.items())) or "none"
    out.write(
        f"Scanned {result.files_scanned} files ({result.bytes_scanned / 1e6:.1f} MB) of {result.files_listed} listed "
        f"in {result.seconds:.2f}s; skipped: {skipped}\n"
    )
