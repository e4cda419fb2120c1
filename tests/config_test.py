from __future__ import annotations

import subprocess
import sys

import pytest

from testing.repos import make_repo


def connreg(repo, *args):
    proc = subprocess.run([sys.executable, "-m", "connreg_gate", *args], cwd=repo, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def test_pyproject_config_moves_registry_and_excludes(tmp_path):
    repo = make_repo(tmp_path / "r", {
        "pyproject.toml": '[project]\nname = "x"\n\n[tool.connreg]\nregistry = "ops/registry.yaml"\nexclude = ["legacy/**"]\n',
        "app.py": "import stripe\n",
        "legacy/old.py": "import twilio\n",
    })
    (repo / "ops").mkdir()
    assert connreg(repo, "init")[0] == 0
    text = (repo / "ops" / "registry.yaml").read_text()
    assert "id: stripe" in text and "twilio" not in text
    assert connreg(repo, "check")[0] == 0


@pytest.mark.parametrize(("content", "message"), [
    ("registry: 3\n", ".connreg.yaml:1:11: $.registry: 3 is not of type 'string'"),
    ("exclud: []\n", "Additional properties are not allowed ('exclud' was unexpected)"),
    ("fail_on: [everything]\n", "$.fail_on[0]"),
    ("- a\n", "expected a mapping of settings"),
    ("a: [\n", "invalid YAML"),
])
def test_bad_yaml_config_is_exit_2_naming_the_field(tmp_path, content, message):
    repo = make_repo(tmp_path / "r", {".connreg.yaml": content, "app.py": "import stripe\n"})
    code, out, err = connreg(repo, "check")
    assert code == 2, (out, err)
    assert message in err


def test_bad_pyproject_config(tmp_path):
    repo = make_repo(tmp_path / "r", {"pyproject.toml": "[tool.connreg]\nmax_file_bytes = -5\n"})
    code, _, err = connreg(repo, "scan")
    assert code == 2 and "tool.connreg.max_file_bytes" in err


def test_fail_on_stale_and_test_only_option(tmp_path):
    repo = make_repo(tmp_path / "r", {
        ".connreg.yaml": "fail_on: [unregistered, invalid_registry, stale]\n",
        "app.py": "import stripe\n",
        "tests/test_db.py": "import sqlite3\n",
    })
    assert connreg(repo, "init")[0] == 0
    (repo / "app.py").write_text("x = 1\n")
    code, out, _ = connreg(repo, "check")
    lines = (repo / "connections_registry.yaml").read_text().splitlines()
    entry_line = lines.index("  - id: stripe") + 1
    assert code == 1 and f"connections_registry.yaml:{entry_line}: error: [stale]" in out


def test_test_only_connections_do_not_fail_by_default(tmp_path):
    repo = make_repo(tmp_path / "r", {"app.py": "import stripe\n"})
    assert connreg(repo, "init")[0] == 0
    (repo / "tests").mkdir()
    (repo / "tests" / "test_x.py").write_text("import sqlite3\n")
    assert connreg(repo, "check")[0] == 0
    (repo / ".connreg.yaml").write_text("include_test_only: true\n")
    code, out, _ = connreg(repo, "check")
    assert code == 1 and "sqlite" in out
