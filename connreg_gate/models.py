"""Immutable records passed between pipeline stages."""
from __future__ import annotations

import re
from typing import NamedTuple

BACKEND_CATEGORIES = ("database", "cache", "queue", "storage", "auth", "search", "realtime")
EXTERNAL_CATEGORIES = (
    "llm", "payments", "email", "analytics", "identity", "media", "monitoring", "maps", "sms",
)
CATEGORIES = BACKEND_CATEGORIES + EXTERNAL_CATEGORIES
EVIDENCE_TYPES = ("import", "call", "dependency", "url", "env_var", "host", "image", "terraform", "cloudformation")


_compiled: dict[tuple[str, int], re.Pattern[str]] = {}


class Pattern(NamedTuple):
    """A regex kept as text and compiled once, on first use."""

    regex: str
    flags: int = 0

    def compiled(self) -> re.Pattern[str]:
        key = (self.regex, self.flags)
        pat = _compiled.get(key)
        if pat is None:
            from connreg_gate import regex_cache

            pat = _compiled[key] = regex_cache.compile(self.regex, self.flags)
        return pat

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.compiled().search(text, pos)


class Provider(NamedTuple):
    provider: str
    name: str
    kind: str
    category: str
    usage: tuple[tuple[str, Pattern], ...]


class Rule(NamedTuple):
    id: str
    provider: str
    evidence: str  # one of EVIDENCE_TYPES
    confidence: str  # strong | medium
    file_classes: frozenset[str]  # which classified files it applies to
    keywords: tuple[str, ...]  # lowercase literals, at least one occurs on a matching line
    pattern: Pattern | None  # None for dependency rules (matched by package name)
    ecosystem: str = ""  # dependency rules only
    packages: tuple[str, ...] = ()  # dependency rules only: fnmatch globs, normalised (name parts for "*")
    pack: str = ""
    # how many lines after a keyword's line the pattern may read (a timer whose body
    # starts on the next line); 0 for most rules, which match within one line
    lines_after: int = 0
    # a file this matches anywhere is not evidence for the rule: a module defining a
    # Django email backend imports Django's mail API to send through its own service
    unless_file: Pattern | None = None
    # a rule on name parts only: whole names that carry the provider's word for something
    # else (npm's groq is Sanity's query language, not Groq's API)
    not_packages: tuple[str, ...] = ()


class Evidence(NamedTuple):
    path: str
    line: int
    rule: str
    confidence: str
    provider: str
    evidence: str
    test: bool = False  # in a test/example path or a dev-only dependency
    endpoint: str = ""  # already masked
    env_var: str = ""


class Suppressed(NamedTuple):
    path: str
    line: int
    rule: str
    provider: str
    reason: str


class Connection(NamedTuple):
    id: str
    provider: str
    name: str
    kind: str
    category: str
    test_only: bool
    files: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    env_vars: tuple[str, ...]
    endpoints: tuple[str, ...]
    usage_patterns: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "provider": self.provider,
            "name": self.name,
            "kind": self.kind,
            "category": self.category,
            "test_only": self.test_only,
            "files": list(self.files),
            "evidence": [
                {"path": e.path, "line": e.line, "rule": e.rule, "confidence": e.confidence}
                for e in self.evidence
            ],
            "env_vars": list(self.env_vars),
            "endpoints": list(self.endpoints),
            "usage_patterns": list(self.usage_patterns),
        }


class Skipped(NamedTuple):
    path: str
    reason: str
    files: int = 1


class ScanResult(NamedTuple):
    connections: tuple[Connection, ...]
    suppressed: tuple[Suppressed, ...]
    skipped: tuple[Skipped, ...]
    files_scanned: int
    bytes_scanned: int
    files_listed: int
    seconds: float

    def stats(self) -> dict[str, object]:
        return {
            "files": self.files_scanned,
            "files_listed": self.files_listed,
            "bytes": self.bytes_scanned,
            "seconds": round(self.seconds, 3),
        }
