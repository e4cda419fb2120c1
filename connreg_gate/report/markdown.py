"""The pull-request summary: short on top, details in collapsible sections, always
under GitHub's 65,536-character comment limit, every string masked."""
from __future__ import annotations

from typing import Any, NamedTuple

from connreg_gate import redact
from connreg_gate.gate import GateResult

MARKER = "<!-- connreg-gate:sticky-comment -->"
GITHUB_LIMIT = 65_536


class RegistryChange(NamedTuple):
    base: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


def _cell(text: Any) -> str:
    return redact.mask(str(text)).replace("|", "\\|").replace("\n", " ")


def render(result: GateResult, change: RegistryChange | None = None, spends: list[Any] | None = None,
           probes: list[dict[str, Any]] | None = None, limit: int = GITHUB_LIMIT) -> str:
    counts = result.counts()
    failed = result.failed
    head = [
        MARKER,
        f"## {'❌' if failed else '✅'} connreg-gate: {'failed' if failed else 'passed'}",
        "",
    ]
    summary = [f"**{counts['registered']}** registered", f"**{counts.get('unregistered', 0)}** unregistered",
               f"{counts.get('stale', 0)} stale", f"{counts.get('suppressed', 0)} suppressed"]
    if change is not None:
        summary.append(f"registry vs `{change.base}`: +{len(change.added)} / -{len(change.removed)}")
    if spends:
        worst = sorted(spends, key=lambda s: ["OVER", "CRITICAL", "WARNING", "OK", "NO_BUDGET"].index(s.status))[0]
        summary.append(f"budget: {worst.status} ({worst.id})")
    if probes:
        down = sum(1 for p in probes if p.get("status") == "down")
        summary.append(f"probes: {down} down of {len(probes)}")
    head.append(" · ".join(summary))
    head.append("")
    sections: list[str] = []
    errors = [f for f in result.findings if f.severity == "error"]
    warnings = [f for f in result.findings if f.severity != "error"]
    for title, items in (("Must fix", errors), ("Warnings", warnings)):
        if not items:
            continue
        rows = ["| Check | Where | Finding | Fix |", "|---|---|---|---|"]
        for f in items:
            where = f"`{f.path}:{f.line}`" if f.path and f.line else (f"`{f.path}`" if f.path else "")
            rows.append(f"| {f.check} | {where} | {_cell(f.message)} | {_cell(f.fix)} |")
        open_attr = " open" if title == "Must fix" else ""
        sections.append(f"<details{open_attr}><summary>{title} ({len(items)})</summary>\n\n" + "\n".join(rows) + "\n\n</details>")
    if change is not None and (change.added or change.removed):
        lines = [f"- ➕ `{_cell(a)}`" for a in change.added] + [f"- ➖ `{_cell(r)}`" for r in change.removed]
        sections.append(f"<details><summary>Registry changes vs <code>{_cell(change.base)}</code></summary>\n\n"
                        + "\n".join(lines) + "\n\n</details>")
    if spends:
        rows = ["| API | Status | Month to date | Projected | Budget | Runs out |", "|---|---|---:|---:|---:|---|"]
        for s in spends:
            budget = "-" if s.budget_monthly is None else f"{s.budget_monthly:.2f}"
            rows.append(f"| {_cell(s.id)} | {s.status} | {s.currency} {s.month_to_date:.2f} | {s.projected_month:.2f} | "
                        f"{budget} | {s.exhaustion_date or '-'} |")
        sections.append("<details><summary>LLM budgets</summary>\n\n" + "\n".join(rows) + "\n\n</details>")
    if probes:
        rows = ["| Connection | Type | Status | Latency | Error |", "|---|---|---|---:|---|"]
        for p in probes:
            latency = "-" if p.get("latency_ms") is None else f"{p['latency_ms']:.0f} ms"
            rows.append(f"| {_cell(p.get('id'))} | {_cell(p.get('type'))} | {_cell(p.get('status'))} | {latency} | {_cell(p.get('error', ''))} |")
        sections.append("<details><summary>Health probes</summary>\n\n" + "\n".join(rows) + "\n\n</details>")
    if result.registered:
        rows = ["| Connection | Kind | Category | Files |", "|---|---|---|---:|"]
        for conn, entry_id in result.registered:
            rows.append(f"| {_cell(entry_id)} | {conn.kind} | {conn.category} | {len(conn.files)} |")
        sections.append(f"<details><summary>Registered connections ({len(result.registered)})</summary>\n\n"
                        + "\n".join(rows) + "\n\n</details>")
    footer = "\n<sub>Reproduce locally: <code>connreg check</code></sub>\n"
    body = "\n".join(head)
    note = "\n\n> ⚠️ Truncated to fit GitHub's comment limit; run `connreg check` for everything.\n"
    for section in sections:
        candidate = body + "\n" + section + "\n"
        if len(candidate) + len(footer) + len(note) > limit:
            body += note
            break
        body = candidate
    return redact.mask(body + footer)
