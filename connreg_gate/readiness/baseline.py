"""Evaluate readiness at another commit without touching the working tree."""
from __future__ import annotations

import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from connreg_gate.errors import InputError


def merge_base(root: Path, ref: str) -> str:
    proc = subprocess.run(["git", "merge-base", ref, "HEAD"], cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        raise InputError(f"--baseline-ref {ref}: no merge-base with HEAD ({proc.stderr.strip() or 'unknown ref'}); "
                         f"fetch it (e.g. `git fetch origin {ref}`, or fetch-depth: 0 in CI)")
    return proc.stdout.strip()


def evaluate_at(root: Path, ref: str, evaluate_tree: Any) -> Any:
    """``git archive`` the merge-base into a temporary directory and evaluate there."""
    sha = merge_base(root, ref)
    with tempfile.TemporaryDirectory(prefix="connreg-baseline-") as tmp:
        archive = Path(tmp) / "tree.tar"
        with open(archive, "wb") as fh:
            proc = subprocess.run(["git", "archive", "--format=tar", sha], cwd=root, stdout=fh, stderr=subprocess.PIPE)
        if proc.returncode != 0:
            raise InputError(f"--baseline-ref {ref}: git archive failed: {proc.stderr.decode(errors='replace').strip()}")
        tree = Path(tmp) / "tree"
        tree.mkdir()
        with tarfile.open(archive) as tf:
            tf.extractall(tree, filter="data")
        return evaluate_tree(tree)
