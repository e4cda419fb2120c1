#!/usr/bin/env python3
"""Ingest and price N usage records (default one million) with `connreg cost`.

    python benchmarks/cost_bench.py [--records 1000000]

Writes a synthetic JSONL request log (several providers, models, consumers and
request ids over a month) to a temporary directory, then times the whole
command, interpreter start included. Goal: under 5 s for one million records.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODELS = [("openai", "gpt-4o-mini"), ("openai", "gpt-4o"), ("anthropic", "claude-sonnet-4-5"),
          ("google", "gemini-2.5-pro"), ("mistral", "mistral-large-latest")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=1_000_000)
    args = ap.parse_args()
    rnd = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "usage.jsonl"
        t = time.perf_counter()
        with open(path, "w") as fh:
            for i in range(args.records):
                provider, model = MODELS[i % len(MODELS)]
                ts = f"2026-11-{1 + i % 25:02d}T{i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}Z"
                inp = rnd.randint(100, 300_000)
                fh.write(json.dumps({"timestamp": ts, "provider": provider, "model": model, "input_tokens": inp,
                                     "output_tokens": rnd.randint(10, 4000), "cached_tokens": inp // 4,
                                     "request_id": f"req_{i}", "consumer": f"feature-{i % 7}"}) + "\n")
        size = path.stat().st_size
        print(f"wrote {args.records:,} records ({size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "connreg_gate", "cost", "--usage", str(path), "--as-of", "2026-11-25",
                               "--format", "json"], cwd=tmp, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
        wall = time.perf_counter() - t
        if proc.returncode != 0:
            print(proc.stderr)
            return 1
        apis = json.loads(proc.stdout)["apis"]
        total = sum(a["month_to_date"] for a in apis)
        print(f"connreg cost: {wall:.2f} s for {args.records:,} records ({args.records / wall:,.0f} records/s); "
              f"{len(apis)} APIs, USD {total:,.2f} month to date (goal: < 5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
