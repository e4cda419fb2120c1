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


RUN = [sys.executable, "-m", "connreg_gate"]  # the process users start, through connreg_gate.launch


def _git_repo_of(repo: Path, files: int, text: str) -> Path:
    """A git repository of ``files`` Python files holding ``text``."""
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    for i in range(files):
        (repo / f"svc_{i:03d}.py").write_text(text)
    return repo


def test_the_process_flushes_everything_and_exits_with_the_commands_code(tmp_path):
    """`python -m connreg_gate` (and the `connreg` script) leave through os._exit once the
    output is flushed: a report larger than a pipe's buffer arrives whole, and the exit
    code is the command's own."""
    repo = _git_repo_of(tmp_path / "app", 300, "import redis\nimport stripe\nDATABASE_URL = 'postgres://app@db/app'\n")
    proc = subprocess.run([*RUN, "scan", "--format", "json", str(repo)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout) > 65536  # more than a pipe holds: written while the reader reads
    import json

    report = json.loads(proc.stdout)
    assert sorted(c["provider"] for c in report["connections"]) == ["postgres", "redis", "stripe"]
    # the gate fails without a registry: 1, with its message
    proc = subprocess.run([*RUN, "check"], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "[missing_registry]" in proc.stdout
    # bad input: 2, and the message names the path
    proc = subprocess.run([*RUN, "scan", str(tmp_path / "missing")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "missing: no such file or directory" in proc.stderr
    pyproject = (PROJECT / "pyproject.toml").read_text()
    assert 'connreg = "connreg_gate.launch:run"' in pyproject


def test_a_reader_that_leaves_early_does_not_decide_the_exit_code(tmp_path):
    """`connreg check | head`: the gate's own code, and every report file, whatever the
    pipe does (click alone answers a broken pipe with 1, "the gate failed")."""
    repo = _git_repo_of(tmp_path / "app", 50, "import redis\n")

    def check_with_reader_gone(junit: Path) -> int:
        proc = subprocess.Popen([*RUN, "check", "--junit", str(junit)], cwd=repo, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        proc.stdout.close()  # the reader leaves before the first line
        return proc.wait()

    assert check_with_reader_gone(tmp_path / "failing.xml") == 1  # no registry: the gate fails
    assert "missing_registry" in (tmp_path / "failing.xml").read_text()
    assert subprocess.run([*RUN, "init"], cwd=repo, capture_output=True).returncode == 0
    assert check_with_reader_gone(tmp_path / "passing.xml") == 0
    assert 'failures="0"' in (tmp_path / "passing.xml").read_text()
