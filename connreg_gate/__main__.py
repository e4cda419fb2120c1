from __future__ import annotations

from connreg_gate.cli import main

raise SystemExit(main())
