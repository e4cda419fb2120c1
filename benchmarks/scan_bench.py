#!/usr/bin/env python3
"""Time `connreg scan` against ripgrep (and semgrep / detect-secrets when installed)
on a real corpus anyone can recreate: the sources of pinned PyPI and npm packages.

    python benchmarks/scan_bench.py            # builds benchmarks/corpus/ on first run
    python benchmarks/scan_bench.py --repeat 5

Prints wall times (best of --repeat) and ratios. Not a test: nothing asserts on speed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYPI = ["Django==5.1.4", "celery==5.4.0", "sentry-sdk==2.19.2", "stripe==11.4.1", "openai==1.58.1",
        "redis==5.2.1", "SQLAlchemy==2.0.36", "boto3==1.35.90", "botocore==1.35.90"]
NPM = ["stripe@17.5.0", "openai@4.77.0", "@sentry/node@8.47.0", "ioredis@5.4.2", "pg@8.13.1", "mongoose@8.9.3"]


def build_corpus(corpus: Path) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                        "-d", tmp, *PYPI], check=True)
        if shutil.which("npm"):
            subprocess.run(["npm", "pack", "--silent", "--pack-destination", tmp, *NPM], check=True,
                           cwd=tmp, stdout=subprocess.DEVNULL)
        for archive in sorted(Path(tmp).iterdir()):
            if archive.name.endswith((".tar.gz", ".tgz")):
                dest = corpus / _tree_name(archive.name.replace(".tar.gz", "").replace(".tgz", ""))
                with tarfile.open(archive) as tf:
                    tf.extractall(dest, filter="data")
    migrate_corpus(corpus)


def _tree_name(release: str) -> str:
    """Django-5.1.4 -> Django@5.1.4. connreg treats a name-version directory holding a
    licence or manifest as someone else's unpacked release and skips it; the corpus
    stands for the application's own code, so its trees are named the npm way."""
    name, sep, version = release.rpartition("-")
    return f"{name}@{version}" if sep and version[:1].isdigit() else release


def migrate_corpus(corpus: Path) -> None:
    """Name every tree and the sdist directory inside it the npm way, also in trees built
    by earlier versions of this script (same files, new names). A git checkout whose
    paths changed is re-created by ensure_git."""
    for top in (corpus, corpus.parent / "corpus-mixed", *corpus.parent.glob("corpus-django-*")):
        if not top.is_dir():
            continue
        for tree in sorted(p for p in top.iterdir() if p.is_dir() and p.name != ".git"):
            if _tree_name(tree.name) != tree.name:
                tree = tree.rename(top / _tree_name(tree.name))
                shutil.rmtree(top / ".git", ignore_errors=True)
            for inner in sorted(p for p in tree.iterdir() if p.is_dir() and p.name != ".git"):
                if _tree_name(inner.name) != inner.name:
                    inner.rename(tree / _tree_name(inner.name))
                    shutil.rmtree(tree / ".git", ignore_errors=True)
                    shutil.rmtree(top / ".git", ignore_errors=True)


MIXED = ["celery@5.4.0", "stripe@11.4.1", "openai@1.58.1", "stripe@17.5.0", "openai@4.77.0", "sentry-node@8.47.0",
         "mongoose@8.9.3", "redis@5.2.1", "sentry_sdk@2.19.2"]


def mixed_tree(corpus: Path) -> Path | None:
    """About 4,600 Python and JS files from the corpus, hard-linked into one tree: the
    size of application the readiness goal names."""
    target = corpus.parent / "corpus-mixed"
    if not target.exists():
        parts = [corpus / name for name in MIXED]
        if not all(p.exists() for p in parts):
            return None
        target.mkdir()
        for p in parts:
            subprocess.run(["cp", "-al", str(p), str(target / p.name)], check=True)
    return target


def django_subset(corpus: Path, files: int = 4600) -> Path | None:
    """The first ``files`` files of the Django tree (sorted paths), hard-linked: real
    application-style Python, HTML and config at the file count the readiness goal names."""
    django = next(corpus.glob("Django@*"), None)
    target = corpus.parent / f"corpus-django-{files}"
    if django is None:
        return None
    if not target.exists():
        # The Django tree may already be a git checkout (ensure_git): its .git is not source,
        # and is not even walked (git's background gc may be removing object folders)
        found = []
        for root, dirs, names in os.walk(django):
            dirs[:] = [d for d in dirs if d != ".git"]
            found += [Path(root) / n for n in names if (Path(root) / n).is_file()]
        paths = sorted(found)[:files]
        for p in paths:
            dest = target / p.relative_to(django)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.link(p, dest)
    return target


def ensure_git(tree: Path) -> Path:
    """Applications live in git checkouts, where connreg lists files with `git ls-files`
    (a plain directory is walked with .gitignore matching instead, ~50 ms slower here)."""
    if not (tree / ".git").exists():
        env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@x", "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@x"}
        for cmd in (["git", "init", "-q"], ["git", "add", "-A", "-f"], ["git", "commit", "-q", "-m", "corpus"]):
            subprocess.run(cmd, cwd=tree, check=True, env=env, stdout=subprocess.DEVNULL)
    return tree


def corpus_size(corpus: Path) -> tuple[int, int]:
    n = size = 0
    for dirpath, dirs, files in os.walk(corpus):
        dirs[:] = [d for d in dirs if d != ".git"]
        for f in files:
            n += 1
            size += os.path.getsize(os.path.join(dirpath, f))
    return n, size


PEAK_RSS: dict[str, float] = {}  # label -> peak resident memory (MB) of the measured command


def best(cmd: list[str], repeat: int, cwd: Path | None = None, ok: tuple[int, ...] = (0, 1), label: str = "") -> float:
    """Best wall time of ``repeat`` runs; a run that errors aborts the benchmark. With a
    label, also record the command's peak resident memory (the largest of its runs)."""
    times = []
    peak = 0
    for _ in range(repeat):
        with tempfile.TemporaryFile() as err:
            t = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)  # this run's own rusage (ru_maxrss in KiB)
            times.append(time.perf_counter() - t)
            proc.returncode = os.waitstatus_to_exitcode(status)
            peak = max(peak, usage.ru_maxrss)
            if proc.returncode not in ok:
                err.seek(0)
                raise SystemExit(f"{' '.join(cmd[:4])} ... exited {proc.returncode}: {err.read().decode()[-500:]}")
    if label:
        PEAK_RSS[label] = peak / 1024
    return min(times)


def keywords(n: int) -> list[str]:
    sys.path.insert(0, str(HERE.parent))
    from connreg_gate.rulepack import load_packs

    seen: dict[str, None] = {}
    for rule in load_packs().rules:
        for kw in rule.keywords:
            if len(kw) >= 4 and kw.isascii() and kw.replace("-", "").replace("_", "").replace(".", "").isalnum():
                seen.setdefault(kw)
    return list(seen)[:n]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=HERE / "corpus")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--python", default=sys.executable,
                    help="interpreter with connreg-gate installed; a regular install in a clean venv is what users "
                         "run (an editable install adds an import hook, ~10 ms)")
    args = ap.parse_args()
    migrate_corpus(args.corpus)
    if not args.corpus.exists() or not any(args.corpus.iterdir()):
        print(f"building corpus in {args.corpus} ...", flush=True)
        build_corpus(args.corpus)
    files, size = corpus_size(args.corpus)
    print(f"corpus: {files} files, {size / 1e6:.1f} MB ({args.corpus})")
    connreg = [args.python, "-I", "-m", "connreg_gate"]
    results: dict[str, float] = {}
    results["python -c pass"] = best([args.python, "-c", "pass"], args.repeat)
    rg = shutil.which("rg")
    pattern = ""
    if rg:
        pattern = "|".join(k.replace(".", r"\.") for k in keywords(60))
        results["rg 60 keywords -i (2 threads)"] = best([rg, "-i", "-c", "-j2", "--no-ignore", "-e", pattern, str(args.corpus)], args.repeat)
        results["rg 60 keywords -i (1 thread)"] = best([rg, "-i", "-c", "-j1", "--no-ignore", "-e", pattern, str(args.corpus)], args.repeat)
    results["connreg scan (all packs)"] = best([*connreg, "scan", "--format", "json", "-o", os.devnull, str(args.corpus)], args.repeat,
                                               label=f"whole corpus ({files} files)")
    rg_cmd = [rg, "-i", "-c", "-j2", "--no-ignore", "-e", pattern] if rg else None

    def tree(label: str, path: Path) -> None:
        """Time rg, connreg scan and connreg readiness on one tree, under one label."""
        if rg_cmd:
            results[f"rg 60 keywords -i (2 threads), {label}"] = best([*rg_cmd, str(path)], args.repeat)
        n, _ = corpus_size(path)
        results[f"connreg scan, {label}"] = best([*connreg, "scan", "--format", "json", "-o", os.devnull, str(path)], args.repeat,
                                                 label=f"{label} ({n} files)")
        results[f"connreg readiness, {label}"] = best([*connreg, "readiness", "--format", "json", str(path)], args.repeat)

    # A web framework's own tree (a git checkout): the closest thing here to "a Django application".
    django = next(args.corpus.glob("Django@*"), None)
    if django is not None:
        tree("Django tree", ensure_git(django))
    subset = django_subset(args.corpus)
    if subset is not None:
        n, size = corpus_size(ensure_git(subset))
        print(f"Django subset: {n} files, {size / 1e6:.0f} MB")
        tree("Django subset", subset)
    mixed = mixed_tree(args.corpus)
    if mixed is not None:
        n, size = corpus_size(mixed)
        print(f"mixed SDK sources: {n} files, {size / 1e6:.0f} MB")
        tree("mixed SDK sources", mixed)
    # The pre-commit path: 20 source files, interpreter start included.
    sample = sorted(str(p) for p in args.corpus.rglob("*.py"))[:: max(1, len(list(args.corpus.rglob("*.py"))) // 20)][:20]
    results["connreg scan 20 files"] = best([*connreg, "scan", "--format", "json", "-o", os.devnull, *sample], args.repeat * 3,
                                            label="20 files")
    if shutil.which("detect-secrets-hook"):
        results["detect-secrets-hook 20 files"] = best(["detect-secrets-hook", *sample], args.repeat)
    if shutil.which("semgrep"):
        results["semgrep (p/secrets)"] = best(["semgrep", "--metrics=off", "--config", "p/secrets", str(args.corpus)], 1)
    width = max(map(len, results))
    for name, secs in results.items():
        print(f"{name:<{width}}  {secs * 1000:8.0f} ms")
    if rg:
        full = results["connreg scan (all packs)"]
        print(f"\nratio full scan / rg (2 threads): {full / results['rg 60 keywords -i (2 threads)']:.2f}x  (goal <= 3x)")
        print(f"ratio full scan / rg (1 thread):  {full / results['rg 60 keywords -i (1 thread)']:.2f}x")
        if django is not None:
            dj = results["connreg scan, Django tree"] / results["rg 60 keywords -i (2 threads), Django tree"]
            print(f"ratio Django tree / rg (2 threads): {dj:.2f}x")
        if subset is not None:
            sub = results["connreg scan, Django subset"] / results["rg 60 keywords -i (2 threads), Django subset"]
            print(f"ratio Django subset (4,600 files) / rg (2 threads): {sub:.2f}x  (goal <= 3x)")
        if mixed is not None:
            mix = results["connreg scan, mixed SDK sources"] / results["rg 60 keywords -i (2 threads), mixed SDK sources"]
            print(f"ratio mixed SDK sources / rg (2 threads): {mix:.2f}x  (SDKs name their provider on most lines)")
    print(f"20-file scan incl. interpreter:    {results['connreg scan 20 files'] * 1000:.0f} ms  (goal <= 150 ms)")
    print("\npeak resident memory of connreg scan (should stay flat as the tree grows):")
    for label, mb in sorted(PEAK_RSS.items(), key=lambda kv: kv[1]):
        print(f"  {label:<40} {mb:6.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
