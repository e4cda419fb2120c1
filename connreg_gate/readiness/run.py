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
    from connreg_gate.discover.scanner import scan

    listing = listing or list_directory(root)
    if connections is None:
        connections = scan(listing, rules, options).connections
    corpus = corpus_mod.build(listing)
    return evaluate.evaluate(corpus, connections)


def with_attestations(root: Path, results: list[evaluate.Result], today: dt.date) -> tuple[list[evaluate.Result], scorecard.Baseline | None]:
    baseline, attestations = scorecard.read(root / scorecard.FILENAME)
    return scorecard.apply_attestations(results, attestations, today), baseline
