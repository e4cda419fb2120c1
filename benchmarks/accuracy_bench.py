#!/usr/bin/env python3
"""Precision and recall of `connreg scan` on real applications, against the labels in
benchmarks/accuracy_labels.yaml (what a careful reviewer lists for each app).

    python benchmarks/accuracy_bench.py                 # fetches the apps on first run
    python benchmarks/accuracy_bench.py --show-evidence  # print where each provider was found

The apps come from registries anyone can reach: PyPI wheels, npm tarballs, Debian
packages (PHP and Ruby apps ship their sources, Go -dev packages ship Go sources),
the upstream tarballs Debian keeps in its pool (debian_orig), and for a Python project
PyPI has no wheel for, its source release (pypi_sdist). A wheel has no pyproject.toml, so its
Requires-Dist lines are written back as requirements.txt (runtime and optional
extras) and requirements-dev.txt (dev/test/lint extras), as the project's own manifest
would declare them.

Found = connections that are not test-only. Precision = found and expected / found
(arguable "either" providers excluded); recall = found and expected / expected; the
"all services" recall also counts services the catalog has no rules for. The "first
run" line pools each app's counts from when it was first scanned, before any rule was
changed for it: the fairest estimate for applications connreg has not seen.
Not a test: nothing asserts; it prints the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DEBIAN_MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian/")
DEV_EXTRAS = {"dev", "development", "test", "tests", "testing", "lint", "mypy", "ty", "pyright", "docs", "doc", "typing"}


def fetch(app: dict, dest: Path) -> None:
    src = app["source"]
    dest.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        if "pypi" in src:
            # the wheel is only unpacked and read, never installed: a release for a newer
            # Python than the bench's (NetBox 4.7 wants 3.12) is as readable
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
                            "--ignore-requires-python", "-d", tmp, src["pypi"]], check=True)
            wheel = next(Path(tmp).glob("*.whl"))
            with zipfile.ZipFile(wheel) as zf:
                zf.extractall(dest)
            _requirements_from_metadata(dest)
        elif "pypi_sdist" in src:
            # a project PyPI has no wheel for: its source release, setup.py or
            # pyproject.toml included, as the project's own tree
            name, _, version = src["pypi_sdist"].partition("==")
            with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=60) as resp:
                project = json.load(resp)
            url = next(u["url"] for u in project["releases"][version] if u["packagetype"] == "sdist")
            # an index mirror may give the file's address relative to the JSON's
            url = urllib.parse.urljoin(f"https://pypi.org/pypi/{name}/json", url)
            archive = Path(tmp) / url.rsplit("/", 1)[1]
            with urllib.request.urlopen(url, timeout=120) as resp:
                archive.write_bytes(resp.read())
            tree = Path(tmp) / "tree"
            with tarfile.open(archive) as tf:
                tf.extractall(tree, filter="data")
            (top,) = list(tree.iterdir())
            shutil.rmtree(dest)
            shutil.move(str(top), str(dest))
        elif "npm" in src:
            # one package, or several (each under its own name) when the app is split across them
            packages = src["npm"] if isinstance(src["npm"], list) else [src["npm"]]
            for spec in packages:
                before = set(Path(tmp).glob("*.tgz"))
                subprocess.run(["npm", "pack", "--silent", "--pack-destination", tmp, spec], check=True,
                               stdout=subprocess.DEVNULL)
                (tgz,) = set(Path(tmp).glob("*.tgz")) - before
                into = dest if len(packages) == 1 else dest / re.sub(r"(?<=.)@[^@/]+$", "", spec).lstrip("@")
                into.mkdir(parents=True, exist_ok=True)
                with tarfile.open(tgz) as tf:
                    tf.extractall(into, filter="data")
        elif "debian" in src:
            # one binary package, or several when upstream's tree is split across them
            packages = src["debian"] if isinstance(src["debian"], list) else [src["debian"]]
            subprocess.run(["apt-get", "download", "-q", *packages], cwd=tmp, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for deb in sorted(Path(tmp).glob("*.deb")):
                subprocess.run(["dpkg-deb", "-x", str(deb), str(dest)], check=True)
        elif "debian_orig" in src:
            # Debian's copy of the upstream release tarball: the project's own tree,
            # without Debian's patches or packaging.
            archive = Path(tmp) / Path(src["debian_orig"]).name
            with urllib.request.urlopen(DEBIAN_MIRROR + src["debian_orig"], timeout=120) as resp:
                archive.write_bytes(resp.read())
            tree = Path(tmp) / "tree"
            with tarfile.open(archive) as tf:
                tf.extractall(tree, filter="data")
            entries = list(tree.iterdir())
            # most tarballs hold one top directory; some (KeePass) hold the tree itself
            top = entries[0] if len(entries) == 1 and entries[0].is_dir() else tree
            shutil.rmtree(dest)
            shutil.move(str(top), str(dest))
        else:
            raise SystemExit(f"{app['name']}: unknown source {src}")
    for rel in src.get("drop") or ():
        shutil.rmtree(dest / rel)  # build output a checkout would not hold
    for rel, to in (src.get("move") or {}).items():
        # a package that ships only its compiled server code (TypeScript built to dist/,
        # not minified): put it where a checkout keeps its sources, so it is scanned as such
        shutil.move(str(dest / rel), str(dest / to))


def _requirements_from_metadata(dest: Path) -> None:
    meta = next(dest.glob("*.dist-info/METADATA"))
    runtime, dev = [], []
    for line in meta.read_text(encoding="utf-8").splitlines():
        if not line.startswith("Requires-Dist:"):
            continue
        spec = line.split(":", 1)[1].strip()
        req, _, marker = spec.partition(";")
        extra = re.search(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
        # with the extras it asks for, as a checkout's pyproject.toml lists it: dramatiq[redis]
        name = re.match(r"[A-Za-z0-9._-]+(?:\s*\[[^\]]*\])?", req.strip())
        if name is None or (extra and extra.group(1) == "all"):
            continue
        # an extra is for development when any part of its name says so ("test-docs")
        is_dev = extra is not None and bool(DEV_EXTRAS & set(re.split(r"[-_.]", extra.group(1).lower())))
        (dev if is_dev else runtime).append(name.group(0))
    (dest / "requirements.txt").write_text("".join(f"{n}\n" for n in sorted(set(runtime))))
    (dest / "requirements-dev.txt").write_text("".join(f"{n}\n" for n in sorted(set(dev))))


def scan(python: str, tree: Path) -> dict:
    proc = subprocess.run([python, "-I", "-m", "connreg_gate", "scan", "--format", "json", str(tree)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"connreg scan {tree} exited {proc.returncode}: {proc.stderr[-500:]}")
    return json.loads(proc.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--apps", type=Path, default=HERE / "apps", help="where the fetched apps live")
    ap.add_argument("--labels", type=Path, default=HERE / "accuracy_labels.yaml")
    ap.add_argument("--python", default=sys.executable, help="interpreter with connreg-gate installed")
    ap.add_argument("--show-evidence", action="store_true")
    ap.add_argument("--only", action="append", metavar="APP", help="measure only this app (repeatable)")
    ap.add_argument("--fetch-only", action="store_true",
                    help="fetch the apps and stop, so a reviewer can label them before any scan")
    args = ap.parse_args()
    labels = yaml.safe_load(args.labels.read_text(encoding="utf-8"))
    names = [app["name"] for app in labels["apps"]]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:  # an app labelled again would count twice, and share one fetched tree
        raise SystemExit(f"{args.labels}: labelled more than once: {', '.join(twice)}")
    if args.only:
        unknown = set(args.only) - {app["name"] for app in labels["apps"]}
        if unknown:
            raise SystemExit(f"no such app in {args.labels}: {', '.join(sorted(unknown))}")
        labels["apps"] = [app for app in labels["apps"] if app["name"] in args.only]
    totals = {group: {"tp": 0, "fp": 0, "fn": 0, "outside": 0} for group in ("tuned", "held out")}
    print(f"{'app':<16} {'stack':<16} {'found':>5} {'TP':>3} {'FP':>3} {'FN':>3}  {'precision':>9} {'recall':>6} "
          f"{'recall (all services)':>21}")
    details = []
    for app in labels["apps"]:
        tree = args.apps / app["name"]
        if not tree.exists():
            print(f"fetching {app['name']} ...", file=sys.stderr, flush=True)
            try:
                fetch(app, tree)
            except BaseException:
                shutil.rmtree(tree, ignore_errors=True)
                raise
        if args.fetch_only:
            continue
        result = scan(args.python, tree)
        found = {c["provider"]: c for c in result["connections"] if not c["test_only"]}
        expect, either = set(app["expect"]), set(app.get("either") or ())
        outside = len(app.get("not_in_catalog") or ())
        tp = expect & set(found)
        fp = set(found) - expect - either
        fn = expect - set(found)
        group = totals["held out" if app.get("held_out") else "tuned"]
        group["tp"] += len(tp)
        group["fp"] += len(fp)
        group["fn"] += len(fn)
        group["outside"] += outside
        counted = len(tp) + len(fp)
        precision = len(tp) / counted if counted else 1.0
        recall = len(tp) / len(expect) if expect else 1.0
        recall_all = len(tp) / (len(expect) + outside) if expect or outside else 1.0
        print(f"{app['name'] + (' *' if app.get('held_out') else ''):<16} {app['stack']:<16} {len(found):>5} {len(tp):>3} {len(fp):>3} {len(fn):>3}  "
              f"{precision:>9.2f} {recall:>6.2f} {recall_all:>21.2f}")
        details.append((app["name"], fp, fn, found))
    if args.fetch_only:
        return 0
    for name, t in totals.items():
        tp, fp, fn, outside = t["tp"], t["fp"], t["fn"], t["outside"]
        if tp + fp + fn + outside == 0:
            continue
        print(f"{'all ' + name:<33} {'':>5} {tp:>3} {fp:>3} {fn:>3}  {tp / max(1, tp + fp):>9.2f} "
              f"{tp / max(1, tp + fn):>6.2f} {tp / max(1, tp + fn + outside):>21.2f}")
    first = [app["first_run"] for app in labels["apps"] if app.get("first_run")]
    if first:
        tp, fp, fn = (sum(run[k] for run in first) for k in range(3))
        print(f"{'first run of ' + str(len(first)) + ' apps':<33} {'':>5} {tp:>3} {fp:>3} {fn:>3}  "
              f"{tp / max(1, tp + fp):>9.2f} {tp / max(1, tp + fn):>6.2f}   (recorded in the labels: each app "
              "as first scanned, before any rule was changed for it)")
    print("goal: precision and recall >= 0.95; 'tuned' apps were used to fix rules, 'held out' ones were not")
    for name, fp_set, fn_set, found in details:
        for pid in sorted(fp_set):
            first = found[pid]["evidence"][0]
            print(f"  {name}: false positive {pid} ({first['rule']} at {first['path']}:{first['line']})")
        for pid in sorted(fn_set):
            print(f"  {name}: missed {pid}")
        if args.show_evidence:
            for pid, conn in sorted(found.items()):
                ev = conn["evidence"][0]
                print(f"    {name}: {pid:<18} {len(conn['evidence']):>4} evidence, first {ev['path']}:{ev['line']} {ev['rule']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
