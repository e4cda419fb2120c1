"""The only place that decides pass or fail, and with which exit code."""
from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from connreg_gate import exit_codes
from connreg_gate.config import Config
from connreg_gate.errors import GateError, MissingRegistryError
from connreg_gate.models import Connection, ScanResult
from connreg_gate.registry import diff as registry_diff
from connreg_gate.registry import load as registry_load

if TYPE_CHECKING:
    from connreg_gate.cost.project import ApiSpend
    from connreg_gate.probes.model import ProbeResult
    from connreg_gate.probes.slo import SloReport
    from connreg_gate.readiness.evaluate import Result as ReadinessResult
    from connreg_gate.readiness.scorecard import Baseline


class Finding(NamedTuple):
    check: str  # unregistered | invalid_registry | missing_registry | stale | suppressed | test_only
    severity: str  # error | warning | note
    title: str
    message: str
    path: str = ""
    line: int = 0
    provider: str = ""
    fix: str = ""


class GateResult(NamedTuple):
    findings: tuple[Finding, ...]
    scan: ScanResult | None
    registered: tuple[tuple[Connection, str], ...]  # (connection, registry entry id)
    full_scan: bool
    registry_path: str

    @property
    def failed(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def exit_code(self) -> int:
        return exit_codes.GATE_FAILED if self.failed else exit_codes.OK

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {"errors": 0, "warnings": 0, "registered": len(self.registered)}
        for f in self.findings:
            if f.severity == "error":
                out["errors"] += 1
            elif f.severity == "warning":
                out["warnings"] += 1
            out[f.check] = out.get(f.check, 0) + 1
        return out


def _severity(config: Config, check: str, default: str) -> str:
    return "error" if check in config.fail_on else default


def budget_findings(spends: "list[ApiSpend]", mode: str = "projected") -> list[Finding]:
    """OVER fails (projected or actual spend above budget; with mode "actual", only actual);
    CRITICAL and WARNING warn."""
    out = []
    for s in spends:
        if s.status in ("OK", "NO_BUDGET") or s.budget_monthly is None:
            continue
        actual_over = s.budget_monthly is not None and s.month_to_date > s.budget_monthly
        failing = s.status == "OVER" and (mode == "projected" or actual_over)
        runs_out = f", runs out on {s.exhaustion_date.isoformat()}" if s.exhaustion_date else ""
        message = (f"{s.id} ({s.provider}) has spent {s.currency} {s.month_to_date:.2f} this month, projected "
                   f"{s.projected_month:.2f}, against a budget of {s.budget_monthly:.2f}{runs_out}.")
        out.append(Finding("budget", "error" if failing else "warning", f"Budget {s.status}: {s.id}", message,
                           provider=s.provider, fix="raise cost.budget_monthly in the registry, or reduce usage"))
    for s in spends:
        for kind in ("rpm", "tpm"):
            quota, peak = s.rate_limits.get(f"{kind}_quota"), s.rate_limits.get(f"peak_{kind}", 0)
            if quota and peak > quota:
                out.append(Finding("rate_limit", "warning", f"Rate limit exceeded: {s.id}",
                                   f"{s.id} peaked at {peak:,} {kind} against a quota of {quota:,}.",
                                   provider=s.provider, fix=f"raise quotas.{kind} or spread the load"))
    return out


RANK = {"pass": 3, "n/a": 3, "partial": 2, "fail": 1}


def readiness_findings(results: "list[ReadinessResult]", baseline: "Baseline | None", strict: bool = False) -> list[Finding]:
    """A new blocker fails: a blocker failing now that passed (or was n/a, or absent) in the
    baseline. Without a baseline, failing blockers fail only when ``strict``. Other
    checkpoints whose status dropped warn."""
    out = []
    for r in results:
        where = r.evidence[0] if r.evidence else None
        path, line = (where.path, where.line) if where and not where.path.startswith("(") else ("", 0)
        looked = "; ".join(l["looked_for"] for l in r.looked_for[:3])
        detail = f" Looked for: {looked}." if looked and r.status != "pass" else ""
        before = baseline.statuses.get(r.id) if baseline else None
        if r.severity == "blocker" and r.status == "fail":
            if baseline is None:
                severity = "error" if strict else "warning"
                message = f"Blocker {r.id} fails ({r.title}).{detail}"
            elif before in (None, "pass", "n/a"):
                severity = "error"
                message = f"New blocker {r.id}: it fails now but was {before or 'absent'} in {baseline.source} ({r.title}).{detail}"
            else:
                severity = "warning"
                message = f"Blocker {r.id} still fails ({r.title}).{detail}"
            out.append(Finding("readiness", severity, f"Readiness blocker: {r.id}", message, path, line,
                               fix=r.remediation))
        elif baseline is not None and before is not None and RANK.get(r.status, 0) < RANK.get(before, 0):
            out.append(Finding("readiness", "warning", f"Readiness regression: {r.id}",
                               f"{r.id} dropped from {before} to {r.status} ({r.title}).{detail}", path, line,
                               fix=r.remediation))
    return out


def evaluate(config: Config, scan: ScanResult, full_scan: bool, spends: "list[ApiSpend] | None" = None,
             readiness: "list[Finding] | None" = None) -> GateResult:
    registry_path = config.registry_path
    rel_registry = config.registry
    findings: list[Finding] = []
    try:
        registry = registry_load.load(registry_path)
    except MissingRegistryError as exc:
        findings.append(Finding("missing_registry", "error", "No connections registry", str(exc), rel_registry,
                                fix="connreg init"))
        return GateResult(tuple(findings), scan, (), full_scan, rel_registry)
    except GateError as exc:
        if "invalid_registry" not in config.fail_on:
            raise
        for line in str(exc).splitlines():
            path, lineno = rel_registry, 1
            parts = line.split(":", 3)
            if len(parts) >= 3 and parts[1].isdigit():
                lineno = int(parts[1])
            findings.append(Finding("invalid_registry", "error", "Invalid registry",
                                    line.replace(str(registry_path), rel_registry), path, lineno,
                                    fix="connreg validate"))
        return GateResult(tuple(findings), scan, (), full_scan, rel_registry)

    d = registry_diff.diff(scan.connections, registry, full_scan, config.include_test_only)
    for conn in d.unregistered:
        first = next((e for e in conn.evidence if not e.test), conn.evidence[0])
        where = ", ".join(f"{e.path}:{e.line}" for e in conn.evidence[:5]) + (
            f" (+{len(conn.evidence) - 5} more)" if len(conn.evidence) > 5 else "")
        findings.append(Finding(
            "unregistered", _severity(config, "unregistered", "warning"),
            f"Unregistered {conn.kind.replace('_', ' ')}: {conn.provider}",
            f"{conn.name} ({conn.category}) is used at {where} but is not in {rel_registry}.",
            first.path, first.line, conn.provider,
            fix=f"run `connreg sync` and fill in the new `{conn.id}` entry, or suppress with "
                f"`connreg: ignore[{conn.provider}] -- <reason>` on the line",
        ))
    for entry in d.stale:
        line = entry.line
        findings.append(Finding(
            "stale", _severity(config, "stale", "warning"), f"Stale registry entry: {entry.id}",
            f"`{entry.id}` ({entry.provider}) is in {rel_registry} but no code uses it any more.",
            rel_registry, line, entry.provider,
            fix="run `connreg sync` to mark it stale, or `connreg sync --prune` to remove it",
        ))
    if scan.suppressed:
        for s in scan.suppressed:
            findings.append(Finding(
                "suppressed", _severity(config, "suppressed", "warning"), f"Suppressed: {s.provider}",
                f"{s.rule} suppressed at {s.path}:{s.line}" + (f" ({s.reason})" if s.reason else " (no reason given)"),
                s.path, s.line, s.provider,
            ))
    if spends:
        findings.extend(budget_findings(spends, config.budget_gate))
    if readiness:
        findings.extend(readiness)
    findings.sort(key=lambda f: ({"error": 0, "warning": 1, "note": 2}[f.severity], f.check, f.path, f.line, f.provider))
    registered = tuple((c, e.id) for c, e in d.registered)
    return GateResult(tuple(findings), scan, registered, full_scan, rel_registry)


PROBE_FAIL_MODES = ("slo", "any", "never")


def probe_exit_code(results: "list[tuple[ProbeResult, bool]]", fail_on: str = "slo") -> int:
    """Exit 1 when a probe is down: of a connection with an SLO (default), of any
    connection, or never."""
    from connreg_gate.probes.model import DOWN

    if fail_on == "never":
        return exit_codes.OK
    for r, has_slo in results:
        if r.status == DOWN and (fail_on == "any" or has_slo):
            return exit_codes.GATE_FAILED
    return exit_codes.OK


def slo_exit_code(reports: "list[SloReport]") -> int:
    """Exit 1 when any objective with data behind it is missed."""
    return exit_codes.GATE_FAILED if any(not ok for r in reports for ok in r.met.values()) else exit_codes.OK
