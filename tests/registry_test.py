from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connreg_gate.cli import main
from testing.repos import git, make_repo

APP = {
    "app.py": "import stripe\nimport redis\n",
    "requirements.txt": "stripe\nredis\n",
}


def connreg(repo: Path, *args: str, monkeypatch=None) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "connreg_gate", *args], cwd=repo, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def test_init_then_check_passes_and_refuses_overwrite(tmp_path):
    repo = make_repo(tmp_path / "r", APP)
    code, out, err = connreg(repo, "init")
    assert code == 0, err
    text = (repo / "connections_registry.yaml").read_text()
    assert "- id: redis" in text and "- id: stripe" in text
    assert connreg(repo, "check")[0] == 0
    code, _, err = connreg(repo, "init")
    assert code == 2 and "already exists" in err
    assert connreg(repo, "init", "--force")[0] == 0


def test_unregistered_connection_fails_with_location_and_fix(tmp_path):
    repo = make_repo(tmp_path / "r", APP)
    connreg(repo, "init")
    (repo / "sms.py").write_text("import os\n\nfrom twilio.rest import Client\n")
    code, out, _ = connreg(repo, "check")
    assert code == 1
    assert "sms.py:3: error: [unregistered] Twilio (sms) is used at sms.py:3" in out
    assert "connreg sync" in out
    code, out, _ = connreg(repo, "check", "app.py")  # files mode: only those files
    assert code == 0
    code, out, _ = connreg(repo, "check", "sms.py")
    assert code == 1


def test_missing_registry_is_exit_1_with_the_command(tmp_path):
    repo = make_repo(tmp_path / "r", APP)
    code, out, err = connreg(repo, "check")
    assert code == 1 and "connreg init" in out


def test_sync_keeps_human_edits_and_is_idempotent(tmp_path):
    repo = make_repo(tmp_path / "r", APP)
    connreg(repo, "init")
    path = repo / "connections_registry.yaml"
    text = path.read_text().replace(
        "  - id: redis\n", "  # Session cache, owned by platform.\n  - id: redis\n"
    ).replace("    owner:\n", "    owner: team-platform   # pager: #platform\n", 1)
    path.write_text(text)
    (repo / "mail.ts").write_text("import { Resend } from 'resend';\n")
    (repo / "app.py").write_text("import redis\n")
    (repo / "requirements.txt").write_text("redis\n")
    assert connreg(repo, "sync")[0] == 0
    after = path.read_text()
    assert "# Session cache, owned by platform." in after
    assert "owner: team-platform   # pager: #platform" in after
    assert "- id: resend" in after
    # stripe is no longer used: marked stale, kept
    stripe_block = after[after.index("- id: stripe"):]
    assert "status: stale" in stripe_block.split("- id:")[1]
    code, out, _ = connreg(repo, "sync")
    assert code == 0 and "already up to date" in out
    assert path.read_text() == after
    code, out, _ = connreg(repo, "check")
    assert code == 0 and "[stale]" in out  # stale warns, does not fail
    assert connreg(repo, "sync", "--prune")[0] == 0
    assert "- id: stripe" not in path.read_text()


BAD_REGISTRIES = [
    ("broken yaml", "version: 1\nbackend_connections: [\n", "invalid YAML"),
    ("a list", "- id: x\n", "expected a mapping"),
    ("empty", "", "registry is empty"),
    ("wrong type", "version: 1\nbackend_connections: {}\nexternal_apis: []\n", "$.backend_connections"),
    ("unknown key", "version: 1\nbackend_connections:\n  - id: pg\n    category: database\n    provider: postgres\n    ownr: me\nexternal_apis: []\n", "ownr"),
    ("password in endpoint", "version: 1\nbackend_connections:\n  - id: pg\n    category: database\n    provider: postgres\n    endpoints: ['postgres://u:hunter2@db/x']\nexternal_apis: []\n", "endpoint carries a password"),
    ("duplicate ids", "version: 1\nbackend_connections:\n  - id: pg\n    category: database\n    provider: postgres\n  - id: pg\n    category: database\n    provider: postgres\nexternal_apis: []\n", "duplicate id"),
    ("budget without pricing", "version: 1\nbackend_connections: []\nexternal_apis:\n  - id: oa\n    category: llm\n    provider: openai\n    cost:\n      budget_monthly: 10\n", "a budget needs pricing"),
    ("probe without target", "version: 1\nbackend_connections:\n  - id: pg\n    category: database\n    provider: postgres\n    health:\n      probes:\n        - type: tcp\nexternal_apis: []\n", "probe has no target"),
    ("unknown category", "version: 1\nbackend_connections:\n  - id: pg\n    category: datastore\n    provider: postgres\nexternal_apis: []\n", "$.backend_connections[0].category"),
    ("alias bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n", "aliases"),
    ("duplicate key", "version: 1\nversion: 1\n", "duplicate key"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_REGISTRIES, ids=[b[0] for b in BAD_REGISTRIES])
def test_bad_registry_exit_2_and_file_untouched(tmp_path, name, content, message):
    repo = make_repo(tmp_path / "r", APP)
    path = repo / "connections_registry.yaml"
    path.write_text(content)
    code, out, err = connreg(repo, "validate")
    assert code == 2, (out, err)
    assert message in err
    assert "connections_registry.yaml:" in err
    code, out, err = connreg(repo, "sync")
    assert code == 2 and message in err
    assert path.read_text() == content


def test_validate_names_line_and_column(tmp_path):
    repo = make_repo(tmp_path / "r", APP)
    (repo / "connections_registry.yaml").write_text(
        "version: 1\nbackend_connections:\n  - id: pg\n    category: database\n    provider: postgres\n"
        "    health:\n      slo:\n        availability: high\nexternal_apis: []\n"
    )
    code, _, err = connreg(repo, "validate")
    assert code == 2
    assert "connections_registry.yaml:8:23: $.backend_connections[0].health.slo.availability:" in err


def test_non_utf8_and_binary_registry(tmp_path):
    repo = make_repo(tmp_path / "r", APP)
    path = repo / "connections_registry.yaml"
    path.write_bytes(b"version: 1\nname: caf\xe9\n")
    code, _, err = connreg(repo, "validate")
    assert code == 2 and "not valid UTF-8" in err and ":2" in err
    path.write_bytes(b"\x00\x01\x02")
    code, _, err = connreg(repo, "validate")
    assert code == 2 and "binary" in err


def test_diff_base_mode(tmp_path):
    repo = make_repo(tmp_path / "r", APP)
    connreg(repo, "init")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "registry")
    git(repo, "checkout", "-qb", "feature")
    (repo / "ai.py").write_text("import anthropic\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "ai")
    code, out, _ = connreg(repo, "check", "--diff-base", "main", "--format", "json")
    import json

    data = json.loads(out)
    assert code == 1 and data["mode"] == "files"
    assert [f["provider"] for f in data["findings"] if f["check"] == "unregistered"] == ["anthropic"]
    code, _, err = connreg(repo, "check", "--diff-base", "nope")
    assert code == 2 and "--diff-base nope" in err


def test_junit_and_github_outputs_never_leak(tmp_path):
    repo = make_repo(tmp_path / "r", {
        "app.py": "import stripe\n",
        "db.py": 'URL = "postgres://app:Sup3rS3cret99@db.internal/app"\n',
    })
    (repo / "connections_registry.yaml").write_text("version: 1\nbackend_connections: []\nexternal_apis: []\n")
    summary = tmp_path / "summary.md"
    proc = subprocess.run(
        [sys.executable, "-m", "connreg_gate", "check", "--junit", str(tmp_path / "j.xml")],
        cwd=repo, capture_output=True, text=True,
        env={**__import__("os").environ, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert proc.returncode == 1
    assert "::error file=db.py,line=1,title=Unregistered backend%3A postgres::" in proc.stdout
    junit = (tmp_path / "j.xml").read_text()
    import xml.etree.ElementTree as ET

    suite = ET.fromstring(junit).find("testsuite")
    assert suite.get("failures") == "2"
    for text in (proc.stdout, junit, summary.read_text()):
        assert "Sup3rS3cret99" not in text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    owners=st.lists(st.from_regex(r"[a-j][a-j-]{0,11}", fullmatch=True), min_size=2, max_size=2),
    comment=st.text(alphabet="abc xyz:#-", min_size=0, max_size=20),
    drop_redis=st.booleans(),
)
def test_sync_properties(tmp_path_factory, owners, comment, drop_redis):
    """sync is idempotent, keeps comments, and never drops a curated field."""
    from connreg_gate.discover.files import list_directory
    from connreg_gate.discover.scanner import scan
    from connreg_gate.registry import sync as sync_mod
    from connreg_gate.rulepack import load_packs

    repo = make_repo(tmp_path_factory.mktemp("p"), APP)
    rules = load_packs()
    path = repo / "connections_registry.yaml"
    sync_mod.init(path, "p", scan(list_directory(repo), rules).connections, force=False)
    text = path.read_text()
    text = text.replace("    owner:\n", f"    owner: {owners[0]}\n", 1).replace("    owner:\n", f"    owner: {owners[1]}\n", 1)
    text = text.replace("version: 1\n", f"version: 1\n# {comment}\n")
    path.write_text(text)
    if drop_redis:
        (repo / "app.py").write_text("import stripe\n")
        (repo / "requirements.txt").write_text("stripe\n")
    conns = scan(list_directory(repo), rules).connections
    sync_mod.sync(path, conns)
    once = path.read_text()
    sync_mod.sync(path, conns)
    assert path.read_text() == once
    assert f"# {comment}" in once
    assert f"owner: {owners[0]}" in once and f"owner: {owners[1]}" in once
    import yaml

    doc = yaml.safe_load(once)
    assert {e["id"] for e in doc["backend_connections"] + doc["external_apis"]} == {"redis", "stripe"}


def test_cli_exit_codes_in_process(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "--format", "nope"]) == 2
    assert main(["scan", str(tmp_path / "missing")]) == 2
    assert main(["--version"]) == 0
