"""One read of the repository for the readiness evaluator: every text file we may cite,
tagged with the scopes signals search (runtime, test, ci, iac, docs, web, manifest,
config), plus the direct dependencies declared in manifests."""
from __future__ import annotations

import posixpath
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, NamedTuple

from connreg_gate.discover import classify, manifests
from connreg_gate.discover.files import Listing

CI_FILES = (".gitlab-ci.yml", ".circleci/config.yml", "Jenkinsfile", "azure-pipelines.yml",
            "bitbucket-pipelines.yml", ".travis.yml", ".drone.yml", ".buildkite/pipeline.yml")
DOC_EXTS = (".md", ".mdx", ".rst", ".adoc", ".txt", ".markdown")
IAC_NAMES = ("chart.yaml", "kustomization.yaml", "kustomization.yml", "pulumi.yaml", "cdk.json", "serverless.yml",
             "serverless.yaml", "fly.toml", "render.yaml", "app.yaml", "vercel.json", "netlify.toml", "dockerfile",
             "containerfile", "procfile", "template.yaml", "samconfig.toml")
WEB_EXTS = (".tsx", ".jsx", ".vue", ".svelte", ".astro", ".css", ".scss")
TEXT_CAP = 1024 * 1024


class SourceFile(NamedTuple):
    path: str
    scopes: frozenset[str]
    text: str


class Corpus(NamedTuple):
    root: Path
    files: tuple[SourceFile, ...]
    paths: tuple[str, ...]  # every listed path (for file-existence signals), vendored excluded
    dependencies: tuple[tuple[str, str, str, int, bool], ...]  # (ecosystem, name, path, line, dev)
    path_blob: str = ""  # every path on its own line, for one-pass glob matching
    raw: Mapping[str, bytes] = MappingProxyType({})  # bytes read, shared with discovery: one read per file


def scopes_of(path: str) -> frozenset[str]:
    lower = path.lower()
    name = posixpath.basename(lower)
    _, ext = posixpath.splitext(name)
    out: set[str] = set()
    if lower.startswith(".github/workflows/") and ext in (".yml", ".yaml") or lower in [c.lower() for c in CI_FILES]:
        out.add("ci")
    cls = classify.file_class(path)
    dirs = lower.split("/")[:-1]
    doubtful = any(p in classify.EXAMPLE_DIRS for p in dirs)  # examples, samples, docs: never runtime
    is_test = classify.is_test_path(path) and not doubtful and not any(p in classify.CI_DIRS for p in dirs)
    if ext in DOC_EXTS or lower.startswith("docs/") or "/docs/" in lower:
        out.add("docs")
    if cls == "manifest":
        out.add("manifest")
    if ext in (".tf", ".tfvars", ".hcl", ".bicep") or name in IAC_NAMES or name.startswith(("docker-compose", "compose.")) \
            or cls == "deploy":
        out.add("iac")
    if ext in WEB_EXTS or cls == "html":
        out.add("web")
    if cls in ("config", "deploy", "env") and "ci" not in out:
        out.add("config")
    if is_test:
        out.add("test")
    elif not doubtful and cls is not None and cls not in ("manifest",) and "ci" not in out and "docs" not in out:
        out.add("runtime")
    if not out:
        out.add("other")
    return frozenset(out)


def build(listing: Listing, max_file_bytes: int = TEXT_CAP) -> Corpus:
    files: list[SourceFile] = []
    paths: list[str] = []
    deps: list[tuple[str, str, str, int, bool]] = []
    contents: dict[str, bytes] = {}
    for rel in listing.paths:
        if classify.skip_reason(rel) is not None and not rel.startswith(".github/"):
            continue
        if rel == "readiness_scorecard.yaml":  # our own output is never evidence
            continue
        paths.append(rel)
        full = listing.root / rel
        try:
            if full.is_symlink() or full.stat().st_size > max_file_bytes:
                continue
            raw = full.read_bytes()
        except OSError:
            continue
        contents[rel] = raw
        if b"\0" in raw[:8192]:
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        scopes = scopes_of(rel)
        files.append(SourceFile(rel, scopes, text))
        if "manifest" in scopes:
            for d in manifests.parse(rel, text):
                deps.append((d.ecosystem, d.name.lower(), rel, d.line, d.dev or "test" in scopes))
    return Corpus(listing.root, tuple(files), tuple(paths), tuple(deps), "\n".join(paths), contents)
