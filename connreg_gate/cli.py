"""The `connreg` command line. Thin: parse flags, call the core, write, exit.

Exit codes (connreg_gate/exit_codes.py): 0 ok, 1 gate failed, 2 bad input,
3 internal error, 130 interrupted.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

import click

from connreg_gate import __version__, exit_codes
from connreg_gate.errors import GateError


class _Ctx:
    debug = False


def _fail(message: str, code: int) -> None:
    click.echo(f"connreg: {message}", err=True)
    raise SystemExit(code)


def _root_for(path: Path) -> Path:
    """The project root: the nearest directory (up to the git top level) that holds a
    registry or `.connreg.yaml`, so each app of a monorepo can have its own; else the
    git top level; else ``path``."""
    from connreg_gate.config import DEFAULT_REGISTRY
    from connreg_gate.discover.files import git_toplevel

    start = (path if path.is_dir() else path.parent).resolve()
    top = git_toplevel(start)
    for candidate in (start, *start.parents):
        if (candidate / ".connreg.yaml").exists() or (candidate / DEFAULT_REGISTRY).exists():
            return candidate
        if top is not None and candidate == top:
            break
    return top if top is not None else start


def _load_rules(config: Any) -> Any:
    from connreg_gate.rulepack import load_packs

    return load_packs(config.rule_pack_paths(), config.disable_rules)


def _scan_options(config: Any, max_file_bytes: int | None = None) -> Any:
    from connreg_gate.discover.scanner import ScanOptions

    own = frozenset({config.registry, ".connreg.yaml", "readiness_scorecard.yaml"})
    return ScanOptions(max_file_bytes=max_file_bytes or config.max_file_bytes, exclude=config.exclude, own_files=own)


def _open_out(output: str | None) -> Any:
    return open(output, "w", encoding="utf-8") if output and output != "-" else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="connreg")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
def cli(debug: bool) -> None:
    """Discover, register and gate the connections and external APIs a repository uses."""
    _Ctx.debug = debug


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "yaml"]), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report here instead of stdout.")
@click.option("--max-file-bytes", type=click.IntRange(min=1), help="Skip files larger than this (default 1 MiB or config).")
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(exists=True, dir_okay=False), help="An extra YAML rule pack (repeatable).")
def scan(paths: tuple[str, ...], fmt: str, output: str | None, max_file_bytes: int | None, extra_rules: tuple[str, ...]) -> None:
    """Find every backend connection and external API used under PATHS (default: the current repository)."""
    from connreg_gate.discover.files import start_listing

    for p in paths:
        if not os.path.lexists(p):
            raise GateError(f"{p}: no such file or directory")
    pending = start_listing(paths or (".",))  # git lists files while rules load

    from connreg_gate import config as config_mod
    from connreg_gate.discover.scanner import prepare
    from connreg_gate.discover.scanner import scan as run_scan
    from connreg_gate.report import scan_report
    from connreg_gate.rulepack import load_packs

    base = Path(paths[0]) if len(paths) == 1 and Path(paths[0]).is_dir() else Path.cwd()
    config = config_mod.load(base.resolve())
    rules = load_packs([*config.rule_pack_paths(), *map(Path, extra_rules)], config.disable_rules)
    matchers = prepare(rules, files=pending.known_count())
    result = run_scan(pending.result(), rules, _scan_options(config, max_file_bytes), matchers=matchers)
    fh = _open_out(output)
    out = fh or sys.stdout
    try:
        if fmt == "json":
            scan_report.write_json(result, out)
        elif fmt == "yaml":
            scan_report.write_yaml(result, out)
        else:
            scan_report.write_table(result, out, color=out.isatty() and not os.environ.get("NO_COLOR"))
    finally:
        if fh:
            fh.close()


def _project_name(root: Path) -> str:
    return root.name


@cli.command()
@click.option("--force", is_flag=True, help="Replace an existing registry.")
@click.option("--registry", "registry_path", type=click.Path(dir_okay=False), help="Registry path (default from config).")
@click.option("--include-test-only", is_flag=True, help="Also register connections found only in tests or dev dependencies.")
def init(force: bool, registry_path: str | None, include_test_only: bool) -> None:
    """Write connections_registry.yaml from what the code uses, with curated fields ready to fill."""
    from connreg_gate import config as config_mod
    from connreg_gate.discover.files import list_directory
    from connreg_gate.discover.scanner import scan as run_scan
    from connreg_gate.registry import sync as sync_mod

    root = _root_for(Path.cwd())
    config = config_mod.load(root)
    path = Path(registry_path) if registry_path else config.registry_path
    result = run_scan(list_directory(root), _load_rules(config), _scan_options(config))
    n = sync_mod.init(path, _project_name(root), result.connections, force, include_test_only or config.include_test_only)
    click.echo(f"Wrote {path} with {n} connections. Review owner, secrets_ref, health and cost, then commit it.")


@cli.command()
@click.option("--prune", is_flag=True, help="Remove entries no longer found instead of marking them stale.")
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.option("--registry", "registry_path", type=click.Path(dir_okay=False), help="Registry path (default from config).")
@click.option("--include-test-only", is_flag=True, help="Also register connections found only in tests or dev dependencies.")
def sync(prune: bool, dry_run: bool, registry_path: str | None, include_test_only: bool) -> None:
    """Add new connections, refresh discovered_in, mark missing ones stale. Keeps every human edit."""
    from connreg_gate import config as config_mod
    from connreg_gate.discover.files import list_directory
    from connreg_gate.discover.scanner import scan as run_scan
    from connreg_gate.registry import sync as sync_mod

    root = _root_for(Path.cwd())
    config = config_mod.load(root)
    path = Path(registry_path) if registry_path else config.registry_path
    result = run_scan(list_directory(root), _load_rules(config), _scan_options(config))
    report, _ = sync_mod.sync(path, result.connections, prune, include_test_only or config.include_test_only, dry_run)
    for label, items in (("added", report.added), ("updated", report.updated), ("marked stale", report.stale),
                         ("no longer stale", report.revived), ("pruned", report.pruned)):
        if items:
            click.echo(f"{label}: {', '.join(items)}")
    verb = "would change" if dry_run else "updated"
    click.echo(f"{path}: {verb}" if report.changed else f"{path}: already up to date")


@cli.command()
@click.argument("registry_file", required=False, type=click.Path(dir_okay=False))
def validate(registry_file: str | None) -> None:
    """Check the registry against its schema and for semantic errors (duplicate ids, passwords in endpoints, ...)."""
    from connreg_gate import config as config_mod
    from connreg_gate.errors import RegistryError
    from connreg_gate.registry import load as registry_load

    if registry_file:
        path = Path(registry_file)
    else:
        root = _root_for(Path.cwd())
        path = config_mod.load(root).registry_path
    try:
        registry = registry_load.load(path)
    except RegistryError as exc:
        for line in str(exc).splitlines():
            click.echo(line, err=True)
        raise SystemExit(exit_codes.USAGE_ERROR) from None
    click.echo(f"{path}: valid ({len(registry.entries)} entries)")


def _write_report(path: str | None, writer: Callable[[Any, Any], None], result: Any) -> None:
    """Render fully in memory, then replace the file atomically."""
    if not path:
        return
    import io

    from connreg_gate import yamlio

    buf = io.StringIO()
    writer(result, buf)
    yamlio.atomic_write(path, buf.getvalue())


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@click.option("--diff-base", metavar="REF", help="Only files changed since the merge-base with REF (pull-request mode).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False), help="Also write a JUnit XML report here.")
@click.option("--sarif", "sarif_path", type=click.Path(dir_okay=False), help="Also write a SARIF 2.1.0 report here (for code scanning).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write the JSON report here.")
@click.option("--codequality", "codequality_path", type=click.Path(dir_okay=False), help="Also write a GitLab Code Quality report here.")
@click.option("--github/--no-github", "github", default=None, help="GitHub annotations (default: on when GITHUB_ACTIONS=true).")
@click.option("--registry", "registry_path", type=click.Path(dir_okay=False), help="Registry path (default from config).")
@click.option("--usage", multiple=True, type=click.Path(dir_okay=False), help="LLM usage file for the budget gate (repeatable).")
@click.option("--as-of", "as_of", help="Budget date (YYYY-MM-DD, UTC); default today.")
@click.option("--strict", is_flag=True, help="A malformed usage line is fatal instead of skipped.")
@click.option("--baseline-ref", metavar="REF", help="Readiness baseline: evaluate at the merge-base with REF (default: readiness_scorecard.yaml).")
@click.option("--no-readiness", is_flag=True, help="Skip the readiness gate (it never runs for FILES, the pre-commit path).")
def check(files: tuple[str, ...], diff_base: str | None, fmt: str, junit_path: str | None, sarif_path: str | None,
          json_path: str | None, codequality_path: str | None, github: bool | None,
          registry_path: str | None, usage: tuple[str, ...], as_of: str | None, strict: bool,
          baseline_ref: str | None, no_readiness: bool) -> None:
    """Fail when the code uses a connection the registry lacks (FILES: only those files, as pre-commit passes)."""
    from connreg_gate import config as config_mod
    from connreg_gate import gate
    from connreg_gate.discover.files import Listing, changed_since, list_directory
    from connreg_gate.discover.scanner import scan as run_scan
    from connreg_gate.report import check_report

    root = _root_for(Path.cwd())
    config = config_mod.load(root)
    if registry_path:
        config = config._replace(registry=os.path.relpath(Path(registry_path).resolve(), root))
    full = not files and not diff_base
    if diff_base:
        names = changed_since(diff_base, root)
        listing = Listing(root, tuple(n for n in names if (root / n).exists()))
    elif files:
        cwd = Path.cwd().resolve()
        rels = []
        for f in files:
            p = (cwd / f).resolve()
            if p.exists():
                try:
                    rels.append(p.relative_to(root).as_posix())
                except ValueError:
                    raise GateError(f"{f}: outside the repository at {root}") from None
        listing = Listing(root, tuple(sorted(set(rels))))
    else:
        listing = list_directory(root)
    spends = None
    if usage or config.usage or as_of:
        from connreg_gate.registry import load as registry_load

        try:
            registry = registry_load.load(config.registry_path)
        except GateError:
            registry = None  # the gate reports the registry problem itself
        if registry is not None:
            spends, warnings, _ = _spend(root, config, registry, usage, _as_of(as_of), strict)
            for w in warnings:
                click.echo(f"warning: {w}", err=True)
    readiness_findings = None
    if not files and not no_readiness and config.readiness:
        from connreg_gate.readiness import run as readiness_run

        today = _as_of(as_of)
        if full:  # one read of every file serves discovery and readiness
            results, _, scanned = readiness_run.scan_and_evaluate(root, _load_rules(config), _scan_options(config), listing)
        else:  # --diff-base: discovery on the changed files, readiness on the whole tree
            scanned = run_scan(listing, _load_rules(config), _scan_options(config))
            results, _, _ = readiness_run.scan_and_evaluate(root, _load_rules(config), _scan_options(config))
        results, baseline = readiness_run.with_attestations(root, results, today)
        if baseline_ref:
            baseline = _baseline_at(root, config, baseline_ref, today)
        readiness_findings = gate.readiness_findings(results, baseline, config.readiness_strict)
    else:
        scanned = run_scan(listing, _load_rules(config), _scan_options(config))
    result = gate.evaluate(config, scanned, full, spends, readiness_findings)
    if fmt == "json":
        check_report.write_json(result, sys.stdout)
    else:
        check_report.write_text(result, sys.stdout)
    _write_report(junit_path, check_report.write_junit, result)
    _write_report(json_path, check_report.write_json, result)
    if codequality_path:
        from connreg_gate.report import codequality

        _write_report(codequality_path, codequality.write, result)
    if sarif_path:
        from connreg_gate.report import sarif

        _write_report(sarif_path, sarif.write, result)
    on_github = github if github is not None else os.environ.get("GITHUB_ACTIONS") == "true"
    if on_github:
        check_report.write_annotations(result, sys.stdout if fmt == "text" else sys.stderr)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(check_report.step_summary(result))
    raise SystemExit(result.exit_code)


def _registry_for_cli(registry_path: str | None) -> tuple[Path, Any]:
    from connreg_gate import config as config_mod
    from connreg_gate.registry import load as registry_load

    root = _root_for(Path.cwd())
    path = Path(registry_path) if registry_path else config_mod.load(root).registry_path
    return root, registry_load.load(path)


@cli.command()
@click.option("--id", "only_id", help="Probe one connection only.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--history", "history_path", type=click.Path(dir_okay=False), help="Append results to this JSONL history.")
@click.option("--spof", is_flag=True, help="Also list single points of failure.")
@click.option("--allow-hosts", default="", help="Comma-separated host patterns (fnmatch); probes to other hosts are refused.")
@click.option("--allow-fork", is_flag=True, help="Probe even for a pull request from a fork (its registry is untrusted).")
@click.option("--concurrency", type=click.IntRange(1, 512), default=32, show_default=True)
@click.option("--fail-on", type=click.Choice(["slo", "any", "never"]), default="slo", show_default=True,
              help="Exit 1 when a probe is down: of a connection with an SLO, of any, or never.")
@click.option("--registry", "registry_path", type=click.Path(dir_okay=False))
def probe(only_id: str | None, fmt: str, history_path: str | None, spof: bool, allow_hosts: str, allow_fork: bool,
          concurrency: int, fail_on: str, registry_path: str | None) -> None:
    """Run the health probes the registry declares, concurrently, each within its timeout."""
    from connreg_gate import gate
    from connreg_gate.probes import history, runner
    from connreg_gate.probes import spof as spof_mod
    from connreg_gate.report import probe_report

    reason = None if allow_fork else runner.untrusted_fork()
    if reason:
        raise GateError(reason)
    root, registry = _registry_for_cli(registry_path)
    specs = runner.specs_from_registry(registry, only_id)
    runner.check_allowed(specs, tuple(p.strip() for p in allow_hosts.split(",") if p.strip()))
    results = runner.run(specs, root, concurrency)
    spofs = spof_mod.find(registry) if spof else None
    if history_path:
        history.append(Path(history_path), results)
    if fmt == "json":
        probe_report.write_probe_json(results, spofs, sys.stdout)
    else:
        probe_report.write_probe_table(results, spofs, sys.stdout)
    has_slo = {s.connection_id: s.has_slo for s in specs}
    raise SystemExit(gate.probe_exit_code([(r, has_slo[r.connection_id]) for r in results], fail_on))


def _parse_window(text: str) -> Any:
    import datetime as dt
    import re

    m = re.fullmatch(r"(\d+)([dhm])", text.strip())
    if not m:
        raise click.BadParameter("use a number and d, h or m, e.g. 30d, 24h, 90m", param_hint="--window")
    n, unit = int(m.group(1)), m.group(2)
    return dt.timedelta(days=n) if unit == "d" else dt.timedelta(hours=n) if unit == "h" else dt.timedelta(minutes=n)


@cli.command()
@click.option("--history", "history_path", type=click.Path(dir_okay=False), required=True, help="Probe history (JSONL) to read.")
@click.option("--window", default="30d", show_default=True, help="How far back: 30d, 24h, 90m.")
@click.option("--as-of", "as_of", help="End of the window (ISO date or time, UTC); default now.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--registry", "registry_path", type=click.Path(dir_okay=False))
def slo(history_path: str, window: str, as_of: str | None, fmt: str, registry_path: str | None) -> None:
    """SLO compliance per connection: availability, p95/p99, error rate, error budget and burn rate."""
    import datetime as dt

    from connreg_gate import gate
    from connreg_gate.probes import slo as slo_mod
    from connreg_gate.report import probe_report

    span = _parse_window(window)
    now = dt.datetime.now(dt.timezone.utc)
    if as_of:
        try:
            now = dt.datetime.fromisoformat(as_of)
        except ValueError:
            raise click.BadParameter(f"{as_of!r} is not an ISO date or time", param_hint="--as-of") from None
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.timezone.utc)
            if len(as_of) == 10:  # a date: the end of that day
                now += dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    _, registry = _registry_for_cli(registry_path)
    warnings: list[str] = []
    reports = slo_mod.compute(Path(history_path), registry, span, now, warnings)
    for w in warnings:
        click.echo(f"warning: {w}", err=True)
    if fmt == "json":
        probe_report.write_slo_json(reports, {"window": window, "as_of": now.isoformat()}, sys.stdout)
    else:
        probe_report.write_slo_table(reports, sys.stdout)
    raise SystemExit(gate.slo_exit_code(reports))


def _as_of(value: str | None) -> Any:
    import datetime as dt

    if not value:
        return dt.datetime.now(dt.timezone.utc).date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--as-of") from None


def _spend(root: Path, config: Any, registry: Any, usage: tuple[str, ...], as_of: Any, strict: bool) -> tuple[list[Any], list[str], int]:
    from connreg_gate.cost import collect, project, sources

    problems = sources.Problems(strict)
    paths = [Path(u) for u in usage] + [root / u for u in config.usage]
    warnings: list[str] = []
    spends = project.compute(collect.records(paths, registry, root, as_of, problems), registry, as_of, warnings)
    return spends, problems.messages + warnings, problems.duplicates


@cli.command()
@click.option("--usage", multiple=True, type=click.Path(dir_okay=False), help="Usage file: JSONL/CSV request log or OTLP JSON (repeatable).")
@click.option("--as-of", "as_of", help="Report date (YYYY-MM-DD, UTC); default today.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--strict", is_flag=True, help="A malformed usage line is fatal instead of skipped.")
@click.option("--registry", "registry_path", type=click.Path(dir_okay=False))
def cost(usage: tuple[str, ...], as_of: str | None, fmt: str, strict: bool, registry_path: str | None) -> None:
    """Month-to-date LLM spend per API and model, projection, budget status and exhaustion date."""
    from connreg_gate import config as config_mod
    from connreg_gate.errors import MissingRegistryError
    from connreg_gate.registry import load as registry_load
    from connreg_gate.report import cost_report

    day = _as_of(as_of)
    root = _root_for(Path.cwd())
    config = config_mod.load(root)
    path = Path(registry_path) if registry_path else config.registry_path
    try:
        registry = registry_load.load(path)
    except MissingRegistryError:
        registry = None  # costs without budgets still make sense
    spends, warnings, duplicates = _spend(root, config, registry, usage, day, strict)
    writer = cost_report.write_json if fmt == "json" else cost_report.write_table
    writer(spends, day.isoformat(), warnings, duplicates, sys.stdout)


def _registry_change(root: Path, registry_rel: str, base: str, current: Any) -> Any:
    import subprocess

    import yaml

    from connreg_gate.report.markdown import RegistryChange

    proc = subprocess.run(["git", "show", f"{base}:{registry_rel}"], cwd=root, capture_output=True, text=True)
    before: set[str] = set()
    if proc.returncode == 0:
        try:
            doc = yaml.safe_load(proc.stdout) or {}
            for section in ("backend_connections", "external_apis"):
                before |= {e.get("id") for e in (doc.get(section) or []) if isinstance(e, dict)}
        except yaml.YAMLError:
            pass
    else:
        verify = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], cwd=root, capture_output=True)
        if verify.returncode != 0:
            raise GateError(f"--base {base}: unknown revision (fetch it, e.g. `git fetch origin {base}`)")
    after = current.ids() if current is not None else set()
    return RegistryChange(base, tuple(sorted(after - before)), tuple(sorted(before - after - {None})))


@cli.command()
@click.option("--base", "base_ref", help="Compare the registry with this ref (e.g. origin/main).")
@click.option("--usage", multiple=True, type=click.Path(dir_okay=False), help="LLM usage file for the budget section.")
@click.option("--as-of", "as_of", help="Budget date (YYYY-MM-DD).")
@click.option("--probe-results", type=click.Path(dir_okay=False, exists=True), help="JSON from `connreg probe --format json`.")
@click.option("--post", is_flag=True, help="Upsert the sticky comment on the pull request (needs GITHUB_TOKEN).")
@click.option("--pr", "pr_number", type=int, help="Pull request number (default: from GITHUB_EVENT_PATH).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Also write the Markdown here.")
def comment(base_ref: str | None, usage: tuple[str, ...], as_of: str | None, probe_results: str | None, post: bool,
            pr_number: int | None, output: str | None) -> None:
    """Render (and with --post, upsert) the pull-request summary as Markdown."""
    import json as jsonlib

    from connreg_gate import config as config_mod
    from connreg_gate import gate, yamlio
    from connreg_gate.discover.files import list_directory
    from connreg_gate.discover.scanner import scan as run_scan
    from connreg_gate.registry import load as registry_load
    from connreg_gate.report import markdown

    root = _root_for(Path.cwd())
    config = config_mod.load(root)
    try:
        registry = registry_load.load(config.registry_path)
    except GateError:
        registry = None
    spends = None
    if registry is not None and (usage or config.usage or as_of):
        spends, _, _ = _spend(root, config, registry, usage, _as_of(as_of), False)
    result = gate.evaluate(config, run_scan(list_directory(root), _load_rules(config), _scan_options(config)), True, spends)
    change = _registry_change(root, config.registry, base_ref, registry) if base_ref else None
    probes = None
    if probe_results:
        try:
            probes = jsonlib.loads(Path(probe_results).read_text(encoding="utf-8")).get("results", [])
        except (ValueError, AttributeError):
            raise GateError(f"{probe_results}: not the JSON of `connreg probe --format json`") from None
    body = markdown.render(result, change, spends, probes)
    if output:
        yamlio.atomic_write(output, body)
    if not post:
        click.echo(body, nl=False)
        return
    from connreg_gate.integrations import github

    token = os.environ.get("GITHUB_TOKEN")
    repository = os.environ.get("GITHUB_REPOSITORY")
    number = pr_number or github.pr_number_from_event()
    if not token or not repository or not number:
        missing = [n for n, v in (("GITHUB_TOKEN", token), ("GITHUB_REPOSITORY", repository), ("--pr or GITHUB_EVENT_PATH", number)) if not v]
        raise GateError(f"--post needs {', '.join(missing)}")
    client = github.Client(token, repository, os.environ.get("GITHUB_API_URL", "https://api.github.com"))
    try:
        posted = client.upsert(number, body, markdown.MARKER)
    finally:
        client.close()
    if posted.warning:
        click.echo(f"::warning title=connreg comment::{posted.warning}", err=True)
        click.echo(body, nl=False)
        return
    click.echo(f"{posted.action} comment {posted.comment_id} on #{number}: {posted.url}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["backstage", "cyclonedx"]), required=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here (atomically) instead of stdout.")
@click.option("--timestamp", is_flag=True, help="Include a generation timestamp (CycloneDX); off for clean diffs.")
@click.option("--registry", "registry_path", type=click.Path(dir_okay=False))
def export(fmt: str, output: str | None, timestamp: bool, registry_path: str | None) -> None:
    """Export the registry as Backstage catalog entities or a CycloneDX 1.6 BOM of services."""
    from connreg_gate import yamlio
    from connreg_gate.integrations import catalog

    root, registry = _registry_for_cli(registry_path)
    project = yamlio.load(Path(registry.path)).data.get("project") or {}
    project = {"name": root.name, **{k: v for k, v in project.items() if v}}
    text = catalog.backstage(registry, project) if fmt == "backstage" else catalog.cyclonedx(registry, project, timestamp)
    if output:
        yamlio.atomic_write(output, text)
    else:
        click.echo(text, nl=False)


def _readiness(root: Path, config: Any, today: Any, listing: Any = None, connections: Any = None) -> tuple[list[Any], Any, Any]:
    from connreg_gate.readiness import run as readiness_run

    results, facts, _ = readiness_run.scan_and_evaluate(root, _load_rules(config), _scan_options(config), listing, connections)
    results, baseline = readiness_run.with_attestations(root, results, today)
    return results, facts, baseline


def _baseline_at(root: Path, config: Any, ref: str, today: Any) -> Any:
    from connreg_gate.discover.files import git_toplevel
    from connreg_gate.readiness import baseline as baseline_mod
    from connreg_gate.readiness.scorecard import Baseline

    top = git_toplevel(root) or root
    prefix = root.resolve().relative_to(top.resolve())

    def evaluate_tree(tree: Path) -> Any:
        results, _, _ = _readiness(tree / prefix, config, today)
        return Baseline(f"{ref} (merge-base)", {r.id: r.status for r in results})

    return baseline_mod.evaluate_at(root, ref, evaluate_tree)


@cli.command()
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--verbose", "-v", is_flag=True, help="Every checkpoint with its evidence (table format).")
@click.option("--write", is_flag=True, help="Write readiness_scorecard.yaml (the committed baseline).")
@click.option("--as-of", "as_of", help="Date for attestation expiry (YYYY-MM-DD); default today.")
def readiness(path: str | None, fmt: str, verbose: bool, write: bool, as_of: str | None) -> None:
    """Score the 80 commercial-readiness checkpoints from evidence in the repository."""
    from connreg_gate import config as config_mod
    from connreg_gate import yamlio
    from connreg_gate.readiness import scorecard
    from connreg_gate.report import readiness_report

    root = Path(path).resolve() if path else _root_for(Path.cwd())
    config = config_mod.load(root)
    results, facts, _ = _readiness(root, config, _as_of(as_of))
    if fmt == "json":
        readiness_report.write_json(results, facts, sys.stdout)
    else:
        readiness_report.write_table(results, facts, sys.stdout, verbose)
    if write:
        target = root / scorecard.FILENAME
        raw = [r._replace(status=r.status) for r in results]
        yamlio.atomic_write(target, scorecard.render(raw, target))
        click.echo(f"wrote {target}", err=True)


@cli.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Directory for the four HTML files.")
@click.option("--history", "history_path", type=click.Path(dir_okay=False), help="Probe history (JSONL) for health, SLO and latency.")
@click.option("--usage", multiple=True, type=click.Path(dir_okay=False), help="LLM usage file for cost panels (repeatable).")
@click.option("--as-of", "as_of", help="Date for cost and SLO windows (YYYY-MM-DD); default today.")
@click.option("--no-readiness", is_flag=True, help="Skip the readiness panel's evaluation.")
@click.option("--registry", "registry_path", type=click.Path(dir_okay=False))
def dashboard(out_dir: str, history_path: str | None, usage: tuple[str, ...], as_of: str | None, no_readiness: bool,
              registry_path: str | None) -> None:
    """Write self-contained HTML dashboards: backend, external APIs, readiness and the unified view."""
    import datetime as dt

    from connreg_gate import config as config_mod
    from connreg_gate import yamlio
    from connreg_gate.discover.files import list_directory
    from connreg_gate.discover.scanner import scan as run_scan
    from connreg_gate.probes import history as history_mod
    from connreg_gate.probes import slo as slo_mod
    from connreg_gate.readiness.evaluate import summary as readiness_summary
    from connreg_gate.registry import diff as diff_mod
    from connreg_gate.registry import load as registry_load
    from connreg_gate.report.html import build

    root = _root_for(Path.cwd())
    config = config_mod.load(root)
    path = Path(registry_path) if registry_path else config.registry_path
    registry = registry_load.load(path)
    day = _as_of(as_of)
    listing = list_directory(root)
    scanned = run_scan(listing, _load_rules(config), _scan_options(config))
    d = diff_mod.diff(scanned.connections, registry, True, config.include_test_only)
    unregistered = [{"id": c.id, "provider": c.provider, "category": c.category, "kind": c.kind} for c in d.unregistered]
    history = slo = None
    default_history = ".connreg/probe_history.jsonl"
    hist_file = Path(history_path) if history_path else (root / default_history)
    if history_path or hist_file.exists():
        history = [rec for _, rec in history_mod.read(hist_file) if rec]
        warnings: list[str] = []
        end = dt.datetime.combine(day, dt.time.max, tzinfo=dt.timezone.utc)
        slo = slo_mod.compute(hist_file, registry, dt.timedelta(days=30), end, warnings)
    spends = None
    if usage or config.usage or any((e.data.get("cost") or {}).get("usage") for e in registry.entries):
        spends, _, _ = _spend(root, config, registry, usage, day, False)
    results = summary = None
    if not no_readiness:
        results, _, _ = _readiness(root, config, day, listing, scanned.connections)
        summary = readiness_summary(results)
    project = (yamlio.load(path).data.get("project") or {}).get("name") or root.name
    data = build.snapshot(project, registry, unregistered, history, slo, spends, results, summary,
                          build.readiness_history(root), history_path or default_history)
    for written in build.write(Path(out_dir), data):
        click.echo(str(written))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the exit code (never raises SystemExit to the caller)."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="connreg", standalone_mode=False)
    except GateError as exc:
        click.echo(f"connreg: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("connreg: interrupted", err=True)
        return exit_codes.INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return exit_codes.USAGE_ERROR if exc.exit_code == 2 else exc.exit_code
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else exit_codes.USAGE_ERROR
    except KeyboardInterrupt:
        click.echo("connreg: interrupted", err=True)
        return exit_codes.INTERRUPTED
    except BrokenPipeError:
        return exit_codes.OK
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if _Ctx.debug or os.environ.get("CONNREG_DEBUG"):
            import traceback

            traceback.print_exc()
        else:
            click.echo(f"connreg: internal error: {type(exc).__name__}: {exc}\n"
                       "Re-run with --debug for the traceback, and please report it.", err=True)
        return exit_codes.INTERNAL_ERROR
    return exit_codes.OK


if __name__ == "__main__":
    raise SystemExit(main())
