from __future__ import annotations

from connreg_gate.launch import run

run()
