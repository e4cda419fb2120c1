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
