"""The `connreg` process: run the CLI, then leave at once.

A run is short and runs on every commit, so two costs of an ordinary Python exit are
not paid. The cyclic garbage collector is off: a scan builds tens of thousands of
acyclic tuples and walking them is wasted time (peak memory on a 16,000-file scan was
the same with it off, 46 MB). And the interpreter's teardown, which releases every
object one by one, is skipped once the output is flushed: each file the commands open
is closed where they write it, and nothing is registered to run at exit.
Together 5-10% of a 4,600-file scan (measured in benchmarks/scan_bench.py's tree).

A reader that leaves early (`connreg check | head`) does not decide the exit code. Click
answers a broken pipe with 1, which means "the gate failed" here, and the command stops
where it was: `check` wrote no JUnit or SARIF file after it. Standard output is wrapped
so that once the reader is gone, what would be written to it is dropped and the command
runs to its end and its own exit code.

``connreg_gate.cli.main`` stays the in-process entry that tests call: it returns the
exit code and leaves the interpreter as it found it.
"""
from __future__ import annotations

import gc
import os
import sys
from typing import Any


class _UntilTheReaderLeaves:
    """Standard output that drops what is written once the reading end is closed."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._gone = False

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._gone = True
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._gone = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def run() -> None:
    gc.disable()
    if sys.stdout is not None:
        sys.stdout = _UntilTheReaderLeaves(sys.stdout)  # type: ignore[assignment]
    from connreg_gate.cli import main

    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None under pythonw
                stream.flush()
        except (BrokenPipeError, ValueError):  # the reader left, or the stream was closed
            pass
    os._exit(code)
