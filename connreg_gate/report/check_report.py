"""Reporters for `connreg check`: text, JSON, JUnit XML, GitHub annotations and job summary.

They share one input (GateResult), write to a stream they are given, mask every
string, and never decide pass or fail (gate.py does).
"""
from __future__ import annotations

from typing import Any, TextIO

from connreg_gate import redact
from connreg_gate.report import dump_json
from connreg_gate.gate import Finding, GateResult


def as_dict(result: GateResult) -> dict[str, Any]:
    return redact.mask_data({
        "result": "fail" if result.failed else "pass",
        "mode": "full" if result.full_scan else "files",
        "registry": result.registry_path,
        "counts": result.counts(),
        "findings": [f._asdict() for f in result.findings],
        "registered": [{"id": entry_id, "provider": c.provider, "kind": c.kind, "category": c.category,
                        "files": list(c.files)} for c, entry_id in result.registered],
        "stats": result.scan.stats() if result.scan else {},
    })


def write_json(result: GateResult, out: TextIO) -> None:
    dump_json(as_dict(result), out)


def write_text(result: GateResult, out: TextIO) -> None:
    for f in result.findings:
        where = f"{f.path}:{f.line}: " if f.path and f.line else (f"{f.path}: " if f.path else "")
        out.write(redact.mask(f"{where}{f.severity}: [{f.check}] {f.message}") + "\n")
        if f.fix:
            out.write(redact.mask(f"    fix: {f.fix}") + "\n")
    counts = result.counts()
    scanned = f" in {result.scan.files_scanned} files" if result.scan else ""
    verdict = "FAILED" if result.failed else "passed"
    out.write(
        f"connreg check {verdict}: {counts['registered']} registered, "
        f"{counts.get('unregistered', 0)} unregistered, {counts.get('stale', 0)} stale, "
        f"{counts.get('suppressed', 0)} suppressed{scanned}\n"
    )
    if result.failed:
        out.write("If you are seeing this in CI, reproduce locally with: connreg check\n")


def write_junit(result: GateResult, out: TextIO) -> None:
    """One test case per registered connection (passes) and per finding (failures or skips)."""
    from junit_xml import TestCase, TestSuite, to_xml_report_string

    cases = []
    for conn, entry_id in result.registered:
        first = conn.evidence[0]
        case = TestCase(name=f"registered: {conn.provider}", classname=f"connreg.registry.{conn.category}",
                        file=first.path, line=first.line)
        cases.append(case)
    for f in result.findings:
        case = TestCase(name=redact.mask(f.title), classname=f"connreg.{f.check}", file=f.path or None, line=f.line or None)
        text = redact.mask(f"{f.path}:{f.line}: {f.message}" + (f"\nfix: {f.fix}" if f.fix else ""))
        if f.severity == "error":
            case.add_failure_info(message=redact.mask(f.message), output=text, failure_type=f.check)
        else:
            case.add_skipped_info(message=redact.mask(f"{f.severity}: {f.message}"), output=text)
        cases.append(case)
    if not cases:
        cases.append(TestCase(name="registry matches code", classname="connreg.registry"))
    suite = TestSuite("connreg-gate", cases)
    out.write(to_xml_report_string([suite], prettyprint=True, encoding="utf-8"))


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    level = {"error": "error", "warning": "warning"}.get(f.severity, "notice")
    props = []
    if f.path:
        props.append(f"file={_escape_prop(f.path)}")
        if f.line:
            props.append(f"line={f.line}")
    props.append(f"title={_escape_prop(redact.mask(f.title))}")
    body = redact.mask(f.message + (f" Fix: {f.fix}" if f.fix else ""))
    return f"::{level} {','.join(props)}::{_escape_data(body)}"


def write_annotations(result: GateResult, out: TextIO) -> None:
    for f in result.findings:
        out.write(annotation(f) + "\n")


def step_summary(result: GateResult) -> str:
    counts = result.counts()
    icon = ":x:" if result.failed else ":white_check_mark:"
    lines = [
        f"## {icon} connreg-gate: {'failed' if result.failed else 'passed'}",
        "",
        f"{counts['registered']} registered · {counts.get('unregistered', 0)} unregistered · "
        f"{counts.get('stale', 0)} stale · {counts.get('suppressed', 0)} suppressed",
        "",
    ]
    if result.findings:
        lines += ["| | Check | Where | Finding |", "|---|---|---|---|"]
        for f in result.findings:
            mark = {"error": ":x:", "warning": ":warning:"}.get(f.severity, ":information_source:")
            where = f"`{f.path}:{f.line}`" if f.path and f.line else (f"`{f.path}`" if f.path else "")
            msg = f.message.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {mark} | {f.check} | {where} | {msg} |")
        lines.append("")
    return redact.mask("\n".join(lines) + "\n")
