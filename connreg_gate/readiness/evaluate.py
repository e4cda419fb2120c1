"""Score checkpoints from repository evidence. Reads files only: it never runs
repository code and makes no network calls.

Scoring (see README): applicability first (n/a names the false fact); then
score = min(10, sum of distinct matched signal weights: S 10, M 5, W 2); a
checkpoint whose required signals are not all met is capped at 7; a matched X
signal forces fail (score 0), an XP signal caps at 5. pass >= 8, partial 3-7,
fail < 3.
"""
from __future__ import annotations

import fnmatch
import functools
import re
from collections import defaultdict
from importlib import resources
from typing import Any, Iterable, NamedTuple

import ahocorasick_rs

from connreg_gate.models import Connection
from connreg_gate.readiness.corpus import Corpus
from connreg_gate.readiness.model import SEVERITY_WEIGHT, WEIGHTS, Checkpoint, Signal, checkpoint_from

MAX_EVIDENCE_PER_SIGNAL = 5


class Hit(NamedTuple):
    path: str
    line: int
    signal: str


class Result(NamedTuple):
    id: str
    category: str
    title: str
    severity: str
    status: str  # pass | partial | fail | n/a
    score: int | None
    confidence: float
    evidence: tuple[Hit, ...]
    looked_for: tuple[dict[str, Any], ...]
    not_applicable: str  # the false fact, when n/a
    remediation: str
    attested: str = ""  # who/why, when an attestation counts
    attestation_expired: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id, "category": self.category, "title": self.title, "severity": self.severity,
            "status": self.status, "score": self.score, "confidence": self.confidence,
            "evidence": [{"path": h.path, "line": h.line, "signal": h.signal} for h in self.evidence],
        }
        if self.status != "pass" and self.looked_for:
            d["looked_for"] = list(self.looked_for)
        if self.not_applicable:
            d["not_applicable"] = self.not_applicable
        if self.status in ("fail", "partial"):
            d["remediation"] = self.remediation
        if self.attested:
            d["attested"] = self.attested
        if self.attestation_expired:
            d["attestation_expired"] = self.attestation_expired
        return d


@functools.lru_cache(maxsize=1)
def load_checkpoints() -> tuple[Checkpoint, ...]:
    import yaml

    text = (resources.files("connreg_gate") / "readiness" / "checkpoints.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return tuple(checkpoint_from(d) for d in data["checkpoints"])


# --- facts -----------------------------------------------------------------------------

FACT_PROVIDERS = {
    "pay": {"stripe", "paypal", "braintree", "mercadopago", "paddle", "adyen", "lemonsqueezy"},
    "email": {"resend", "sendgrid", "postmark", "mailgun", "ses", "smtp", "mailchimp"},
    "mkt_email": {"mailchimp"},
    "trackers": {"google-analytics", "mixpanel", "posthog", "segment", "amplitude", "hotjar"},
    "accounts": {"clerk", "auth0", "firebase-auth", "okta", "workos", "cognito", "keycloak", "supabase"},
    "store": {"postgres", "mysql", "mongodb", "sqlite", "dynamodb", "clickhouse", "cassandra", "supabase", "firestore",
              "cockroachdb", "neo4j"},
}


class Facts(NamedTuple):
    values: dict[str, bool]
    why: dict[str, str]  # what made each fact true, or what was looked for
    where: dict[str, tuple[str, int]]  # file:line evidence for facts that come from discovery


def _any_path(corpus: Corpus, globs: Iterable[str]) -> str | None:
    m = _globs_pattern(tuple(globs)).search(corpus.path_blob)
    return m.group(0) if m else None


def _any_dep(corpus: Corpus, names: Iterable[tuple[str, str]], dev_ok: bool = False) -> str | None:
    wanted = list(names)
    for eco, name, path, line, dev in corpus.dependencies:
        if dev and not dev_ok:
            continue
        for weco, wname in wanted:
            if eco == weco and fnmatch.fnmatchcase(name, wname):
                return f"{path}:{line} ({name})"
    return None


def _text_hit(corpus: Corpus, scopes: set[str], needle: str) -> str | None:
    low = needle.lower()
    for f in corpus.files:
        if f.scopes & scopes and low in f.text.lower():
            return f.path
    return None


def compute_facts(corpus: Corpus, connections: Iterable[Connection]) -> Facts:
    app = [c for c in connections if not c.test_only]
    providers = {c.provider for c in app}
    values: dict[str, bool] = {}
    why: dict[str, str] = {}

    def setf(name: str, reason: str | None, looked: str) -> None:
        values[name] = bool(reason)
        why[name] = reason or f"looked for {looked}"

    where: dict[str, tuple[str, int]] = {}
    for fact, names in FACT_PROVIDERS.items():
        found = sorted(providers & names)
        first = next((c for c in app if c.provider in names), None)
        reason = None
        if first is not None:
            ev = next((e for e in first.evidence if not e.test), first.evidence[0])
            where[fact] = (ev.path, ev.line)
            reason = f"{', '.join(found)} used ({ev.path}:{ev.line})"
        setf(fact, reason, f"providers {', '.join(sorted(names))}")
    svc = _any_path(corpus, ["**/Dockerfile", "Dockerfile", "Containerfile", "**/docker-compose*.y*ml", "docker-compose*.y*ml",
                             "compose.y*ml", "**/Chart.yaml", "Procfile", "fly.toml", "render.yaml", "app.yaml",
                             "vercel.json", "netlify.toml", "serverless.yml"])
    setf("svc", svc, "Dockerfile, docker-compose, Chart.yaml, Procfile, fly.toml, render.yaml, vercel.json, netlify.toml, serverless.yml")
    web = _any_dep(corpus, [("npm", n) for n in ("react", "vue", "svelte", "@angular/core", "next", "nuxt", "astro",
                                                 "solid-js", "preact", "@remix-run/*")]) \
        or _any_path(corpus, ["**/templates/**/*.html", "app/views/**/*.erb", "resources/views/**/*.blade.php", "public/index.html", "**/*.cshtml"])
    setf("web", web, "front-end frameworks (react, vue, svelte, next, ...) or server templates")
    public = None
    if web:
        public = _any_dep(corpus, [("npm", n) for n in ("next", "nuxt", "astro", "gatsby", "@docusaurus/core")]) \
            or _any_path(corpus, ["**/robots.txt", "robots.txt"])
    setf("public_web", public, "web plus an SSR/SSG framework or robots.txt")
    api = _any_dep(corpus, [("pypi", n) for n in ("fastapi", "flask", "django", "djangorestframework", "starlette", "litestar")]
                   + [("npm", n) for n in ("express", "fastify", "@nestjs/core", "koa", "hono", "next")]
                   + [("go", n) for n in ("github.com/gin-gonic/gin", "github.com/labstack/echo*", "github.com/go-chi/chi*",
                                          "github.com/gofiber/fiber*", "github.com/gorilla/mux")]
                   + [("gem", n) for n in ("rails", "sinatra", "grape")]
                   + [("maven", n) for n in ("org.springframework.boot:spring-boot-starter-web*", "io.quarkus:quarkus-rest*")]
                   + [("composer", n) for n in ("laravel/framework", "symfony/framework-bundle", "slim/slim")]) \
        or _any_path(corpus, ["**/openapi.y*ml", "openapi.y*ml", "**/openapi.json", "**/swagger.y*ml", "**/swagger.json"])
    setf("api", api, "HTTP frameworks (fastapi, django, express, gin, rails, spring-boot, laravel, ...) or an OpenAPI file")
    values["product"] = values["svc"] or values["web"] or values["api"]
    why["product"] = why["svc"] if values["svc"] else why["web"] if values["web"] else why["api"] if values["api"] \
        else "no deployable service, web front end or HTTP API found (a library or CLI)"
    if not values["accounts"]:
        acc = _any_dep(corpus, [("pypi", n) for n in ("django-allauth", "flask-login", "fastapi-users", "bcrypt", "argon2-cffi", "passlib")]
                       + [("npm", n) for n in ("next-auth", "@auth/*", "better-auth", "passport", "bcrypt", "bcryptjs", "argon2", "lucia")]
                       + [("gem", n) for n in ("devise", "rodauth", "bcrypt")]
                       + [("maven", "org.springframework.boot:spring-boot-starter-security")]
                       + [("composer", n) for n in ("laravel/fortify", "laravel/breeze", "laravel/jetstream", "laravel/sanctum")])
        setf("accounts", acc, "auth libraries, password hashing or an identity provider")
    if not values["email"]:
        setf("email", _text_hit(corpus, {"runtime"}, "EMAIL_HOST") or _any_path(corpus, ["app/mailers/*.rb"]),
             "email providers, EMAIL_HOST settings or mailers")
    values["subs"] = values["pay"] and bool(_text_hit(corpus, {"runtime", "web"}, "subscription"))
    why["subs"] = "payments plus subscription code" if values["subs"] else "looked for a payment provider plus subscription code"
    values["pii"] = values["accounts"] or values["email"] or values["pay"] or values["trackers"]
    why["pii"] = "accounts, email, payments or trackers present" if values["pii"] else "no accounts, email, payments or trackers"
    gha = _any_path(corpus, [".github/workflows/*.y*ml"])
    setf("gha", gha, ".github/workflows/*.yml")
    return Facts(values, why, where)


# --- signals ---------------------------------------------------------------------------

def glob_regex(glob: str) -> str:
    """A path glob as a regex over posix paths: `*` and `?` stay within one directory,
    `**/` spans any number of them, and a glob without `/` matches the file name anywhere."""
    out = []
    i = 0
    if "/" not in glob:
        out.append("(?:[^\n]*/)?")
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:[^\n]*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append("[^\n]*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/\n]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/\n]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


@functools.lru_cache(maxsize=None)
def _globs_pattern(globs: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("^(?:" + "|".join(glob_regex(g) for g in globs) + ")$", re.MULTILINE)


def _glob_match(path: str, glob: str) -> bool:
    return _globs_pattern((glob,)).match(path) is not None


def _in_scope(scopes: frozenset[str], signal: Signal) -> bool:
    return "any" in signal.scopes or bool(scopes & signal.scopes)


class _Searcher:
    """Regex signals: one keyword automaton over every file finds candidate files, so
    each regex runs only where its literal occurs."""

    def __init__(self, corpus: Corpus, signals: list[Signal]) -> None:
        self.corpus = corpus
        words: dict[str, list[int]] = defaultdict(list)
        self.unkeyed: list[int] = []
        for i, s in enumerate(signals):
            if s.pattern is None:
                continue
            if s.keywords:
                for k in s.keywords:
                    words[k].append(i)
            else:
                self.unkeyed.append(i)
        self.words = sorted(words)
        self.by_word = [words[w] for w in self.words]
        self.auto = ahocorasick_rs.BytesAhoCorasick([w.encode() for w in self.words],
                                                    implementation=ahocorasick_rs.Implementation.DFA) if self.words else None
        self.lowered: dict[int, str] = {}  # file index -> lowercased text, for keyword positions
        self.candidates: dict[int, list[int]] = defaultdict(list)  # signal index -> file indexes
        for fi, f in enumerate(corpus.files):
            seen: set[int] = set(self.unkeyed)
            if self.auto is not None:
                low = f.text.lower().encode("utf-8", "replace")
                for kw_index, _, _ in self.auto.find_matches_as_indexes(low, overlapping=True):
                    seen.update(self.by_word[kw_index])
            for si in seen:
                self.candidates[si].append(fi)


def _match_signal(signal: Signal, index: int, corpus: Corpus, searcher: _Searcher, facts: Facts) -> list[Hit]:
    hits: list[Hit] = []
    if signal.facts:
        if all(facts.values.get(f) for f in signal.facts):
            path, line = next((facts.where[f] for f in signal.facts if f in facts.where), ("", 0))
            hits.append(Hit(path or f"(fact {signal.facts[0]})", line, signal.name))
        return hits
    if signal.packages:
        for eco, name, path, line, dev in corpus.dependencies:
            if dev and not signal.dev_ok:
                continue
            if any(eco == e and fnmatch.fnmatchcase(name, n) for e, n in signal.packages):
                hits.append(Hit(path, line, signal.name))
                if len(hits) >= MAX_EVIDENCE_PER_SIGNAL:
                    break
        return hits
    if signal.pattern is None:
        # One regex pass over all paths joined by newlines, instead of paths x globs fnmatch calls.
        for m in _globs_pattern(signal.globs).finditer(corpus.path_blob):
            hits.append(Hit(m.group(0), 1, signal.name))
            if len(hits) >= MAX_EVIDENCE_PER_SIGNAL:
                break
        return hits
    regex = signal.pattern.compiled()
    line_local = signal.keywords and not _MULTILINE_HINT.search(signal.pattern.regex)
    for fi in searcher.candidates.get(index, ()):
        f = corpus.files[fi]
        if not _in_scope(f.scopes, signal):
            continue
        if signal.globs and not _globs_pattern(signal.globs).match(f.path):
            continue
        line = _search_lines(f.text, searcher, fi, signal.keywords, regex) if line_local else _search_file(f.text, regex)
        if line:
            hits.append(Hit(f.path, line, signal.name))
            if len(hits) >= MAX_EVIDENCE_PER_SIGNAL:
                break
    return hits


# A pattern that can span lines must see the whole file; every other one only needs
# the lines where one of its keywords occurs (much faster on keyword-dense files).
_MULTILINE_HINT = re.compile(r"\[\\s\\S\]|\\n|\(\?[a-z]*s")


def _search_file(text: str, regex: re.Pattern[str]) -> int:
    m = regex.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def _search_lines(text: str, searcher: _Searcher, fi: int, keywords: tuple[str, ...], regex: re.Pattern[str]) -> int:
    low = searcher.lowered.get(fi)
    if low is None or len(low) != len(text):
        low = searcher.lowered[fi] = text.lower()
        if len(low) != len(text):  # rare Unicode case changes shift offsets: search the file
            return _search_file(text, regex)
    starts: set[int] = set()
    for kw in keywords:
        pos = low.find(kw)
        while pos >= 0:
            starts.add(low.rfind("\n", 0, pos) + 1)
            pos = low.find(kw, pos + len(kw))
    best = 0
    for ls in sorted(starts):
        le = text.find("\n", ls)
        if regex.search(text, ls, le if le >= 0 else len(text)):
            best = text.count("\n", 0, ls) + 1
            break
    return best


def _confidence(checkpoint: Checkpoint, status: str, matched: list[tuple[Signal, list[Hit]]]) -> float:
    if status == "n/a":
        return 0.9
    if not matched:
        return 0.35 if checkpoint.external else 0.85
    p_none = 1.0
    for signal, hits in matched:
        if signal.strength in ("X", "XP"):
            c = 0.9 if signal.strength == "X" else 0.6
        elif signal.packages:
            c = 0.6
        elif "ci" in signal.scopes or "iac" in signal.scopes:
            c = 0.9
        elif signal.pattern is None:
            c = 0.5
        elif signal.scopes == frozenset({"docs"}):
            c = 0.35
        else:
            c = 0.75
        p_none *= 1 - c
    return round(min(0.95, 1 - p_none), 2)


def evaluate(corpus: Corpus, connections: Iterable[Connection], checkpoints: tuple[Checkpoint, ...] | None = None) -> tuple[list[Result], Facts]:
    checkpoints = checkpoints or load_checkpoints()
    connections = list(connections)
    facts = compute_facts(corpus, connections)
    all_signals = [s for cp in checkpoints for s in cp.signals]
    searcher = _Searcher(corpus, all_signals)
    results = []
    index = 0
    for cp in checkpoints:
        first = index
        index += len(cp.signals)
        false_facts = []
        for group in cp.applies_when:
            if not any(facts.values.get(f, False) for f in group):
                false_facts.append(" or ".join(group))
        if false_facts:
            reason = "; ".join(f"fact `{f}` is false ({'; '.join(facts.why.get(x, '') for x in f.split(' or '))})" for f in false_facts)
            results.append(Result(cp.id, cp.category, cp.title, cp.severity, "n/a", None, 0.9, (), (), reason, cp.remediation))
            continue
        matched: list[tuple[Signal, list[Hit]]] = []
        looked: list[dict[str, Any]] = []
        for offset, signal in enumerate(cp.signals):
            hits = _match_signal(signal, first + offset, corpus, searcher, facts)
            if hits:
                matched.append((signal, hits))
            elif signal.strength not in ("X", "XP"):
                looked.append({"signal": signal.name, "strength": signal.strength,
                               "scope": sorted(signal.scopes), "looked_for": signal.describe})
        names = {s.name for s, _ in matched}
        score = min(10, sum(WEIGHTS.get(s.strength, 0) for s, _ in matched))
        if cp.require and not all(any(n in names for n in group) for group in cp.require):
            score = min(score, 7)
        if any(s.strength == "XP" for s, _ in matched):
            score = min(score, 5)
        forced_fail = any(s.strength == "X" for s, _ in matched)
        if forced_fail:
            score = 0
        status = "pass" if score >= 8 else "partial" if score >= 3 else "fail"
        evidence = tuple(h for _, hits in matched for h in hits)
        results.append(Result(cp.id, cp.category, cp.title, cp.severity, status, score,
                              _confidence(cp, status, matched), evidence, tuple(looked), "", cp.remediation))
    return results, facts


def summary(results: list[Result]) -> dict[str, Any]:
    applicable = [r for r in results if r.status != "n/a"]
    passed = [r for r in applicable if r.status == "pass"]
    weight = sum(SEVERITY_WEIGHT[r.severity] for r in applicable)
    weighted = sum(SEVERITY_WEIGHT[r.severity] * (r.score or 0) for r in applicable) / weight * 10 if weight else 0.0
    categories: dict[str, dict[str, int]] = {}
    for r in results:
        c = categories.setdefault(r.category, {"pass": 0, "partial": 0, "fail": 0, "n/a": 0})
        c[r.status] += 1
    blockers = [r for r in applicable if r.severity == "blocker" and r.status != "pass"]
    order = {"blocker": 0, "major": 1, "minor": 2}
    actions = sorted((r for r in applicable if r.status != "pass"), key=lambda r: (order[r.severity], r.status != "fail", r.id))
    return {
        "passed": len(passed), "applicable": len(applicable), "total": len(results),
        "percent": round(100 * len(passed) / len(applicable)) if applicable else 0,
        "weighted_score": round(weighted, 1),
        "categories": dict(sorted(categories.items())),
        "blocking": [r.id for r in blockers],
        "next_actions": [r.id for r in actions],
    }
