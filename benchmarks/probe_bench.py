#!/usr/bin/env python3
"""100 probes against loopback, 10% of them hitting a server that never answers
(1 s timeout): prints the wall time of the whole run (goal: about 2 s).

    python benchmarks/probe_bench.py [--probes 100] [--hanging 10]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from testing import servers  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--probes", type=int, default=100)
    ap.add_argument("--hanging", type=int, default=10)
    args = ap.parse_args()
    from connreg_gate.probes import runner
    from connreg_gate.registry import load as registry_load

    http = servers.http_server()
    silent = servers.silent_server()
    base, hang_port = next(http), next(silent)
    types = ["http", "tcp", "redis"] if servers.port_open(6379) else ["http", "tcp"]
    lines = ["version: 1", "external_apis: []", "backend_connections:"]
    for i in range(args.probes):
        if i < args.hanging:
            target, ptype = f"127.0.0.1:{hang_port}", "redis"
        else:
            ptype = types[i % len(types)]
            target = {"http": f"{base}/health", "tcp": "127.0.0.1:6379" if "redis" in types else base.split("//")[1],
                      "redis": "redis://127.0.0.1:6379/0"}[ptype]
        lines += [f"  - id: c{i:03d}", "    category: cache", "    provider: redis", "    health:", "      probes:",
                  f"        - type: {ptype}", f"          target: '{target}'", "          timeout_ms: 1000"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "connections_registry.yaml"
        path.write_text("\n".join(lines) + "\n")
        specs = runner.specs_from_registry(registry_load.load(path))
        started = time.perf_counter()
        results = runner.run(specs, Path(tmp))
        wall = time.perf_counter() - started
    counts = {s: sum(1 for r in results if r.status == s) for s in ("healthy", "degraded", "down")}
    print(f"{len(results)} probes ({args.hanging} hanging, 1 s timeout): {wall:.2f} s wall; {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
