"""Process exit codes, named once. Only gate.py and cli.py choose between them."""
from __future__ import annotations

OK = 0
GATE_FAILED = 1
USAGE_ERROR = 2  # bad input, config, registry or flags: nothing was evaluated
INTERNAL_ERROR = 3
INTERRUPTED = 130
