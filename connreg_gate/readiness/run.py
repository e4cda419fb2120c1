"""Readiness for a tree: list files, discover connections, build the corpus, evaluate."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from connreg_gate.discover.files import Listing, list_directory
from connreg_gate.readiness import corpus as corpus_mod
from connreg_gate.readiness import evaluate, scorecard


def evaluate_tree(root: Path, rules: Any, options: Any, listing: Listing | None = None,
                  connections: Any = None) -> tuple[list[evaluate.Result], evaluate.Facts]:
    results, facts, _ = scan_and_evaluate(root, rules, options, listing, connections)
    return results, facts


def scan_and_evaluate(root: Path, rules: Any, options: Any, listing: Listing | None = None,
                      connections: Any = None) -> tuple[list[evaluate.Result], evaluate.Facts, Any]:
    """Discovery and readiness over one read of the files: the corpus reads each file
    once and discovery scans those same bytes. Returns the scan result too (None when
    ``connections`` were given)."""
    from connreg_gate.discover.scanner import scan

    listing = listing or list_directory(root)
    corpus = corpus_mod.build(listing)
    scanned = None
    if connections is None:
        scanned = scan(listing, rules, options, contents=corpus.raw)
        connections = scanned.connections
    results, facts = evaluate.evaluate(corpus, connections)
    return results, facts, scanned


def with_attestations(root: Path, results: list[evaluate.Result], today: dt.date) -> tuple[list[evaluate.Result], scorecard.Baseline | None]:
    baseline, attestations = scorecard.read(root / scorecard.FILENAME)
    return scorecard.apply_attestations(results, attestations, today), baseline
