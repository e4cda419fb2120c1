"""The wheel carries every data file the code loads (an editable install hides a miss)."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def test_wheel_contains_rule_packs_schemas_and_checkpoints(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(PROJECT)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    [wheel] = tmp_path.glob("connreg_gate-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"connreg_gate/rules/{p.name}" for p in (PROJECT / "connreg_gate" / "rules").glob("*.yaml")}
    expected |= {f"connreg_gate/schemas/{p.name}" for p in (PROJECT / "schemas").glob("*.json")}
    expected |= {"connreg_gate/readiness/checkpoints.yaml", "connreg_gate/py.typed"}
    assert expected <= names, sorted(expected - names)
    assert len([n for n in names if n.startswith("connreg_gate/rules/")]) == 16


def test_the_process_flushes_everything_and_exits_with_the_commands_code(tmp_path):
    """`python -m connreg_gate` (and the `connreg` script) leave through os._exit once the
    output is flushed: a report larger than a pipe's buffer arrives whole, and the exit
    code is the command's own."""
    repo = tmp_path / "app"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    for i in range(300):
        (repo / f"svc_{i:03d}.py").write_text("import redis\nimport stripe\nDATABASE_URL = 'postgres://app@db/app'\n")
    run = [sys.executable, "-m", "connreg_gate"]
    proc = subprocess.run([*run, "scan", "--format", "json", str(repo)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout) > 65536  # more than a pipe holds: written while the reader reads
    import json

    report = json.loads(proc.stdout)
    assert sorted(c["provider"] for c in report["connections"]) == ["postgres", "redis", "stripe"]
    # the gate fails without a registry: 1, with its message
    proc = subprocess.run([*run, "check"], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "[missing_registry]" in proc.stdout
    # bad input: 2, and the message names the path
    proc = subprocess.run([*run, "scan", str(tmp_path / "missing")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "missing: no such file or directory" in proc.stderr
    pyproject = (PROJECT / "pyproject.toml").read_text()
    assert 'connreg = "connreg_gate.launch:run"' in pyproject
