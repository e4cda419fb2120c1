"""The hook, driven by the real `pre-commit` client against temporary git repositories."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testing.repos import GIT_ENV, git, make_repo

PROJECT = Path(__file__).resolve().parent.parent


def _pre_commit() -> list[str]:
    # The client installed with the test extra, not whatever is on PATH.
    return [sys.executable, "-m", "pre_commit"]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A snapshot of this project's working tree as a git repo pre-commit can clone."""
    snap = tmp_path_factory.mktemp("hook-repo")
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=PROJECT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        rel = os.fsdecode(name)
        src = PROJECT / rel
        if src.is_symlink():
            (snap / rel).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(os.readlink(src), snap / rel)
        elif src.is_file() and not rel.startswith("tests/"):
            (snap / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, snap / rel)
    git(snap, "init", "-q", "-b", "main")
    git(snap, "add", "-A")
    git(snap, "commit", "-q", "-m", "snapshot")
    return snap, git(snap, "rev-parse", "HEAD").strip()


def _commit(repo: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "commit", "-m", message], cwd=repo, env=env, capture_output=True, text=True)


def test_commit_with_unregistered_twilio_is_blocked_until_sync(tmp_path, hook_repo):
    snap, rev = hook_repo
    repo = make_repo(tmp_path / "app", {
        "app.py": "import stripe\n",
        ".pre-commit-config.yaml": (
            f"repos:\n  - repo: {snap}\n    rev: {rev}\n    hooks:\n"
            "      - id: connreg-check\n      - id: connreg-validate\n"
        ),
    }, commit=False)
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path.parent / "pre-commit-home")}
    subprocess.run([sys.executable, "-m", "connreg_gate", "init"], cwd=repo, check=True, capture_output=True)
    subprocess.run([*_pre_commit(), "install"], cwd=repo, env=env, check=True, capture_output=True)
    git(repo, "add", "-A")
    first = _commit(repo, env, "app with registry")
    assert first.returncode == 0, first.stdout + first.stderr

    (repo / "notify.py").write_text("import os\n\nfrom twilio.rest import Client\n\nclient = Client()\n")
    git(repo, "add", "notify.py")
    blocked = _commit(repo, env, "add sms")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0
    assert "twilio" in output.lower() and "notify.py:3" in output
    assert "connreg sync" in output

    subprocess.run([sys.executable, "-m", "connreg_gate", "sync"], cwd=repo, check=True, capture_output=True)
    git(repo, "add", "-A")
    allowed = _commit(repo, env, "add sms, registered")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr

    # A broken registry is caught by connreg-validate and the file is left as written.
    (repo / "connections_registry.yaml").write_text("version: 1\nbackend_connections: [\n")
    git(repo, "add", "-A")
    broken = _commit(repo, env, "break registry")
    assert broken.returncode != 0 and "invalid YAML" in broken.stdout + broken.stderr
    assert (repo / "connections_registry.yaml").read_text() == "version: 1\nbackend_connections: [\n"
