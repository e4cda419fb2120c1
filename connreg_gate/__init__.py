"""connreg-gate: discover, register and gate the connections a repository uses."""
from __future__ import annotations

__version__ = "0.1.0"
