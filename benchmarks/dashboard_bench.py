#!/usr/bin/env python3
"""A registry of 500 connections: time `connreg dashboard` (generation) and loading each
page in headless Chromium (when installed). Goal: generation plus page load under 1 s.

    python benchmarks/dashboard_bench.py [--connections 500]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CATEGORIES = ["database", "cache", "queue", "storage", "search", "llm", "payments", "email", "analytics", "monitoring"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--connections", type=int, default=500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        lines = ["version: 1", "backend_connections:"]
        backend = [i for i in range(args.connections) if i % 2 == 0]
        for i in backend:
            lines += [f"  - id: svc-{i:04d}", f"    category: {CATEGORIES[i % 5]}", "    provider: postgres", f"    owner: team-{i % 7}",
                      "    health:", "      slo:", "        availability: 99.9"]
        lines.append("external_apis:")
        for i in range(args.connections):
            if i % 2:
                lines += [f"  - id: api-{i:04d}", f"    category: {CATEGORIES[5 + i % 5]}", "    provider: openai", f"    owner: team-{i % 7}"]
        (root / "connections_registry.yaml").write_text("\n".join(lines) + "\n")
        hist = root / "history.jsonl"
        with open(hist, "w") as fh:
            for d in range(1, 31):
                for i in backend:
                    fh.write(json.dumps({"id": f"svc-{i:04d}", "type": "tcp", "target": "x", "status": "healthy" if (i + d) % 50 else "down",
                                         "latency_ms": 5.0 + (i % 13), "timestamp": f"2026-11-{d:02d}T00:00:00+00:00", "error": ""}) + "\n")
        out = root / "out"
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "connreg_gate", "dashboard", "--out", str(out), "--history", str(hist),
                               "--as-of", "2026-11-30", "--no-readiness"], cwd=root, capture_output=True, text=True, env=env)
        gen = time.perf_counter() - t
        if proc.returncode != 0:
            print(proc.stderr)
            return 1
        sizes = {p.name: p.stat().st_size for p in out.iterdir()}
        print(f"{args.connections} connections, {sum(1 for _ in open(hist)):,} probe records: generation {gen:.2f} s "
              f"(interpreter start included); pages {', '.join(f'{n} {s / 1024:.0f} KiB' for n, s in sorted(sizes.items()))}")
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        if not Path(chromium).exists():
            print("chromium not installed: page load not measured")
            return 0
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu",
                                        "--disable-background-networking", "--disable-component-update", "--no-first-run"])
            page = browser.new_page()
            page.goto("about:blank")
            for name in sorted(sizes):
                t = time.perf_counter()
                page.goto((out / name).as_uri(), wait_until="load")
                load = time.perf_counter() - t
                print(f"  load {name}: {load * 1000:.0f} ms; generation + this page: {gen + load:.2f} s")
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
