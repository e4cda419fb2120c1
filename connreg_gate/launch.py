"""The `connreg` process: run the CLI, then leave at once.

A run is short and runs on every commit, so two costs of an ordinary Python exit are
not paid. The cyclic garbage collector is off: a scan builds tens of thousands of
acyclic tuples and walking them is wasted time (peak memory on a 16,000-file scan was
the same with it off, 46 MB). And the interpreter's teardown, which releases every
object one by one, is skipped once the output is flushed: each file the commands open
is closed where they write it, and nothing is registered to run at exit.
Together 5-10% of a 4,600-file scan (measured in benchmarks/scan_bench.py's tree).

``connreg_gate.cli.main`` stays the in-process entry that tests call: it returns the
exit code and leaves the interpreter as it found it.
"""
from __future__ import annotations

import gc
import os
import sys


def run() -> None:
    gc.disable()
    from connreg_gate.cli import main

    code = main()
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):  # the reader left, or stdout was closed
        pass
    try:
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    os._exit(code)
