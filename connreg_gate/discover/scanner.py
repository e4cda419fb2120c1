"""The scan: keyword prefilter (one Aho-Corasick pass per file), then rule regexes on
candidate lines only, then comment and suppression checks, then aggregation."""
from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, NamedTuple

import ahocorasick_rs

from connreg_gate import redact, regex_cache
from connreg_gate.discover import classify
from connreg_gate.discover.comments import CommentMap
from connreg_gate.discover.files import Listing
from connreg_gate.discover.suppress import suppression
from connreg_gate.literals import required_literals
from connreg_gate.models import Connection, Evidence, Pattern, Rule, ScanResult, Skipped, Suppressed
from connreg_gate.rulepack import ANY_ECOSYSTEM, CompiledRules, _norm_pkg

DEFAULT_MAX_FILE_BYTES = 1024 * 1024
_BINARY_SNIFF = 8192


class ScanOptions(NamedTuple):
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    exclude: tuple[str, ...] = ()  # gitignore-style globs, relative to the root
    include_vendored: bool = False
    # Our own files (the registry, config) describe connections; they are not usage.
    own_files: frozenset[str] = frozenset({"connections_registry.yaml", ".connreg.yaml", "readiness_scorecard.yaml"})


class _RulesForClass:
    """The rules each keyword brings for one file class, worked out the first time the
    keyword occurs: most of ~4,000 keywords never occur in a given tree, and filtering
    them all up front cost 3-4 ms per file class on every run."""

    __slots__ = ("_all", "_cls", "_memo")

    def __init__(self, all_rules: list[tuple[Rule, ...]], cls: str) -> None:
        self._all = all_rules
        self._cls = cls
        self._memo: dict[int, tuple[Rule, ...]] = {}

    def __getitem__(self, kw_index: int) -> tuple[Rule, ...]:
        found = self._memo.get(kw_index)
        if found is None:
            cls = self._cls
            found = self._memo[kw_index] = tuple(r for r in self._all[kw_index] if cls in r.file_classes)
        return found


class _Matchers:
    """Per-file-class automata, built lazily: a 20-file run only builds what it needs."""

    def __init__(self, compiled: CompiledRules, small: bool = False) -> None:
        # A DFA matches about 3x faster than a contiguous NFA but takes 14 ms instead of
        # 3 ms to build over ~2,400 keywords: for a handful of files (the pre-commit
        # path) the build is most of the matching cost.
        self._implementation = (ahocorasick_rs.Implementation.ContiguousNFA if small
                                else ahocorasick_rs.Implementation.DFA)
        self._rules = compiled.rules
        self._providers = compiled.providers
        self._search: dict[str, Callable[[str], re.Match[str] | None]] = {}
        self._usage: dict[str, tuple[tuple[str, Pattern, tuple[bytes, ...] | None], ...]] = {}
        self._automata: dict[str, tuple[ahocorasick_rs.BytesAhoCorasick, "_RulesForClass"] | None] = {}
        self._deps: dict[str, tuple[dict[str, list[Rule]], list[tuple[Callable[[str], Any], Rule]]]] = {}
        self._named: tuple[re.Pattern[str] | None, dict[str, list[Rule]]] | None = None
        self._all: tuple[ahocorasick_rs.BytesAhoCorasick, list[tuple[Rule, ...]]] | None = None
        self._classes: frozenset[str] | None = None  # the file classes any keyword rule reads

    def prepare(self) -> "_Matchers":
        """Build the keyword automaton now (about 10 ms), e.g. while git lists files."""
        self.automaton("python")
        return self

    def automaton(self, cls: str) -> tuple[ahocorasick_rs.BytesAhoCorasick, "_RulesForClass"] | None:
        """A DFA over the keywords of the rules for one file class (~500 MB/s on a core).

        Built once over every keyword; each class gets its own rule table.
        """
        if cls in self._automata:
            return self._automata[cls]
        if self._all is None:
            # Keywords are cut to their first KEYWORD_PREFIX bytes: the DFA's build time
            # follows its states, and it is serial on every full scan (17 ms over 4,000
            # keywords of 17 bytes on average; cut to 16 bytes, 8 ms). A line holding a
            # keyword holds its prefix, so nothing is missed; a prefix shared with other
            # keywords only brings their rules' patterns to the line too. Cut to 12 or 14
            # bytes, "import_module(" alone stood for 408 keywords (drivers loaded by
            # name), and Django's every import_module line ran all their patterns: the
            # scan got slower than the build got faster.
            table: dict[str, dict[str, Rule]] = defaultdict(dict)
            for rule in self._rules:
                if rule.pattern is not None:
                    for kw in rule.keywords:
                        table[kw[:KEYWORD_PREFIX]][rule.id] = rule
            words = sorted(table)
            auto = ahocorasick_rs.BytesAhoCorasick(
                [w.encode("utf-8") for w in words], implementation=self._implementation
            )
            self._all = (auto, [tuple(table[w].values()) for w in words])
        auto, rules = self._all
        if self._classes is None:
            self._classes = frozenset().union(*(r.file_classes for r in self._rules if r.pattern is not None))
        built = (auto, _RulesForClass(rules, cls)) if cls in self._classes else None
        self._automata[cls] = built
        return built

    def search(self, rule: Rule) -> Callable[[str], re.Match[str] | None]:
        """The rule's compiled ``search``, looked up once per rule, not per line."""
        found = self._search.get(rule.id)
        if found is None:
            found = self._search[rule.id] = rule.pattern.compiled().search  # type: ignore[union-attr]
        return found

    def usage(self, provider: str) -> tuple[tuple[str, Pattern, tuple[bytes, ...] | None], ...]:
        """A provider's usage patterns, each with the lowercase literals one of which
        every match contains (None: no such set). Alternations that open with ``\\b``
        have no literal prefix for ``re`` to skip ahead with, so a file without any of
        the literals is not searched at all (110 of 115 ms on dense SDK sources)."""
        found = self._usage.get(provider)
        if found is None:
            found = self._usage[provider] = tuple(
                (name, pattern, _ascii_literals(pattern.regex)) for name, pattern in self._providers[provider].usage)
        return found

    def dependency_rules(self, ecosystem: str) -> tuple[dict[str, list[Rule]], list[tuple[Callable[[str], Any], Rule]]]:
        if ecosystem not in self._deps:
            exact: dict[str, list[Rule]] = defaultdict(list)
            globs: list[tuple[str, Rule]] = []
            for rule in self._rules:
                if rule.evidence == "dependency" and rule.ecosystem == ecosystem:
                    for pkg in rule.packages:
                        if any(c in pkg for c in "*?["):  # fnmatchcase, from the stored program
                            globs.append((regex_cache.compile(fnmatch.translate(pkg)).match, rule))
                        else:
                            exact[pkg].append(rule)
            self._deps[ecosystem] = (exact, globs)
        return self._deps[ecosystem]

    def named_dependency_rules(self) -> tuple[re.Pattern[str] | None, dict[str, list[Rule]]]:
        """One regex over every provider's package tokens, matched at the start of a name part."""
        if self._named is None:
            by_token: dict[str, list[Rule]] = defaultdict(list)
            for rule in self._rules:
                if rule.evidence == "dependency" and rule.ecosystem == ANY_ECOSYSTEM:
                    for token in rule.packages:
                        by_token[token].append(rule)
            regex = None
            if by_token:
                alt = "|".join(re.escape(t) for t in sorted(by_token, key=lambda t: (-len(t), t)))
                regex = regex_cache.compile(r"(?:^|(?<=[-_./@:]))(" + alt + ")")
            self._named = (regex, dict(by_token))
        return self._named


def _ascii_literals(regex: str) -> tuple[bytes, ...] | None:
    literals = required_literals(regex)
    if not literals or not all(lit.isascii() for lit in literals):
        return None
    return tuple(lit.encode("ascii") for lit in literals)


def _to_text(raw: bytes) -> str:
    """Decode for rule matching. Positions stay byte offsets (latin-1 is 1:1), so the
    keyword pass over bytes, comment spans and regex matches share one coordinate
    system; strings we report are re-decoded as UTF-8 by :func:`_display`."""
    return raw.decode("latin-1")


def _display(s: str) -> str:
    return s.encode("latin-1").decode("utf-8", "replace")


class _FileScan:
    """Evidence and suppressions from one file."""

    __slots__ = ("evidence", "suppressed")

    def __init__(self) -> None:
        self.evidence: list[Evidence] = []
        self.suppressed: list[Suppressed] = []


# A language read with another's rules (its own comment syntax still applies).
RULES_OF = {"coffeescript": "javascript"}


def _scan_text(path: str, cls: str, raw: bytes, matchers: _Matchers, out: _FileScan) -> tuple[str, bytes] | None:
    """Scan one non-manifest file; return its text and lowered bytes when it produced evidence."""
    built = matchers.automaton(RULES_OF.get(cls, cls))
    if built is None:
        return None
    auto, rules_by_kw = built
    low = raw.lower()  # ASCII-only lowering keeps byte offsets
    hits = auto.find_matches_as_indexes(low, overlapping=True)
    if not hits:
        return None
    # Keyword hits -> the lines they are on -> the rules those keywords bring.
    lines: dict[int, tuple[int, set[int]]] = {}
    last_ls = last_le = -1
    kws: set[int] = set()
    for kw_index, start, _end in hits:
        if not (last_ls <= start < last_le):
            last_ls = low.rfind(b"\n", 0, start) + 1
            last_le = low.find(b"\n", start)
            if last_le < 0:
                last_le = len(low)
            kws = lines.setdefault(last_ls, (last_le, set()))[1]
        kws.add(kw_index)
    text = _to_text(raw)
    comments: CommentMap | None = None
    type_only: list[tuple[int, int]] | None = None
    stands_down: dict[int, bool] = {}  # id(rule) -> its unless_file is in this file
    test = classify.is_test_path(path)
    counted_to, lineno = 0, 1  # line numbers counted forward: lines come in order
    found = False
    search = matchers.search
    for ls in sorted(lines):
        le, kws = lines[ls]
        line = text[ls:le]
        if len(kws) == 1:
            rules: Iterable[Rule] = rules_by_kw[next(iter(kws))]
        else:
            rules = {id(r): r for k in sorted(kws) for r in rules_by_kw[k]}.values()
        opener: tuple[int, str] | None = None
        for rule in rules:
            if rule.lines_after:
                # the pattern reads on into the next few lines, but must start on this one
                # (a later line with the keyword is searched from there)
                end = le
                for _ in range(rule.lines_after):
                    if end >= len(text):
                        break
                    nl = text.find("\n", end + 1)
                    end = len(text) if nl < 0 else nl
                m = search(rule)(text[ls:end])
                if m is None or m.start() >= len(line):
                    continue
            else:
                m = search(rule)(line)
            at_ls, text_line = ls, line
            if m is not None:
                at = ls + m.start()
            else:
                # A call formatters split after its parenthesis: boto3.client(\n    "sqs",
                if opener is None:
                    opener = _opening_line(text, ls)
                if not opener[1]:
                    continue
                joined = opener[1] + line.lstrip()
                m = search(rule)(joined)
                if m is None or m.end() <= len(opener[1]):
                    continue
                text_line = joined
                if m.start() < len(opener[1]):
                    at_ls = opener[0]
                    at = at_ls + m.start()
                else:
                    at = ls + len(line) - len(line.lstrip()) + m.start() - len(opener[1])
            if comments is None:
                comments = CommentMap(text, cls)
            if comments.contains(at_ls, at):
                continue
            if rule.unless_file is not None:
                skip = stands_down.get(id(rule))
                if skip is None:  # searched once per file, not once per match
                    skip = stands_down[id(rule)] = rule.unless_file.search(text) is not None
                if skip:
                    continue  # the file is one the rule says it does not apply to
            if rule.evidence == "import" and cls == "python":
                if type_only is None:
                    type_only = _type_checking_blocks(text)
                if any(start <= at < end for start, end in type_only):
                    continue  # a type checker's import: nothing of it runs
            if ls != counted_to:
                lineno += raw.count(b"\n", counted_to, ls)
                counted_to = ls
            reason = suppression(text_line, rule.provider)
            if reason is not None:
                out.suppressed.append(Suppressed(path, lineno, rule.id, rule.provider, _display(reason)))
                continue
            endpoint = env_var = ""
            if rule.evidence == "url":
                endpoint = redact.mask(_display(m.group("url") if m.lastgroup == "url" else m.group(0)))
            elif rule.evidence == "env_var":
                env_var = m.group("name") if "name" in m.re.groupindex else m.group(0)
            out.evidence.append(Evidence(path, lineno, rule.id, rule.confidence, rule.provider, rule.evidence,
                                         test, endpoint, env_var))
            found = True
    return (text, low) if found else None


_TYPE_CHECKING = re.compile(r"^([ \t]*)if[ \t]+(?:typing\.)?TYPE_CHECKING[ \t]*:[ \t]*(?:#[^\r\n]*)?\r?$", re.MULTILINE)


def _type_checking_blocks(text: str) -> list[tuple[int, int]]:
    """Spans of Python's `if TYPE_CHECKING:` blocks: imports there are for the type
    checker only, as TypeScript's `import type` is (LlamaIndex's voice agents name
    websockets' ClientConnection so, and the integrations that subclass them connect)."""
    spans = []
    for m in _TYPE_CHECKING.finditer(text):
        indent = len(m.group(1))
        end = pos = m.end() + 1
        while pos < len(text):
            nl = text.find("\n", pos)
            line_end = len(text) if nl < 0 else nl
            line = text[pos:line_end]
            if line.strip():
                if len(line) - len(line.lstrip()) <= indent:
                    break
                end = line_end
            pos = line_end + 1
        spans.append((m.end(), end))
    return spans


def _opening_line(text: str, ls: int) -> tuple[int, str]:
    """The line before offset ``ls`` and where it starts, when it ends by opening a call
    (``client(``); otherwise an empty string."""
    # formatters leave no trailing blanks, so the character before the newline decides
    if ls < 2 or (text[ls - 2] != "(" and not (text[ls - 2] == "\r" and text[ls - 3:ls - 2] == "(")):
        return 0, ""
    ps = text.rfind("\n", 0, ls - 1) + 1
    prev = text[ps:ls - 1].rstrip()
    return (ps, prev) if prev.endswith("(") else (ps, "")


def _decode_manifest(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


# Packages named for a provider that are not its client: type stubs (npm's @types/,
# typeshed's types-redis), mocks and fakes for tests, in-memory stand-ins.
_NOT_A_CLIENT_RE = regex_cache.compile(r"^@types/|^types-|(?:^|[-_./@])(?:mock|mocks|fake|fakes|stub|stubs|memory-server"
                              r"|in-memory)(?:$|[-_./@])")


# Name parts that start with a provider's word but are ordinary words or other things:
# YourKit's yjp-controller-api-redist is not Redis, and PostgREST's clients (Supabase's
# postgrest, postgrest-js) speak HTTP to a REST server, not PostgreSQL's protocol.
_NOT_A_PROVIDER_PARTS = frozenset({"redist", "redistributable", "redistributables", "postgrest"})
_NAME_PART_RE = regex_cache.compile(r"[^-_./@:]*")


def _own_name(ecosystem: str, name: str) -> str:
    """The part of a dependency's name its authors chose, without the organisation that
    publishes it: github.com/cockroachdb/datadriven is a test library, not CockroachDB."""
    if ecosystem == "go":
        parts = name.split("/")
        return "/".join(parts[2:]) if len(parts) > 2 and "." in parts[0] else name
    if ecosystem == "maven":
        return name.rpartition(":")[2]
    return name


def _scan_manifest(path: str, text: str, matchers: _Matchers, out: _FileScan) -> None:
    from connreg_gate.discover import manifests  # its parsers are off the path of a run without manifests

    lines = text.splitlines()
    test_path = classify.is_test_path(path)
    for dep in manifests.parse(path, text):
        exact, globs = matchers.dependency_rules(dep.ecosystem)
        name = _norm_pkg(dep.ecosystem, dep.name)
        hits = list(exact.get(name, ()))
        if not _NOT_A_CLIENT_RE.search(name):  # a glob or a name part; an exact name is meant
            hits += [rule for match, rule in globs if match(name)]
            named, by_token = matchers.named_dependency_rules()
            if named is not None:
                own = _own_name(dep.ecosystem, name)
                hits += [rule for m in named.finditer(own)
                         if _NAME_PART_RE.match(own, m.start()).group(0) not in _NOT_A_PROVIDER_PARTS
                         for rule in by_token[m.group(1)] if name not in rule.not_packages]
        seen: set[str] = set()
        for rule in hits:
            if rule.provider in seen:
                continue
            seen.add(rule.provider)
            line = lines[dep.line - 1] if 0 < dep.line <= len(lines) else ""
            reason = suppression(line, rule.provider)
            if reason is not None:
                out.suppressed.append(Suppressed(path, dep.line, rule.id, rule.provider, reason))
                continue
            out.evidence.append(Evidence(path, dep.line, rule.id, "strong", rule.provider, "dependency",
                                         dep.dev or test_path))


# Below this many files forking a second scanner costs more than it saves (measured:
# the 3.3k scanned files of Django take 121 ms serially and 81 ms split over two).
PARALLEL_MIN_FILES = 1000
# Files are scanned in chunks of SCAN_CHUNK, in listing order: the unit forked
# scanners take work in, and the unit usage searches are capped in.
SCAN_CHUNK = 32
# Keywords longer than this are matched on their first KEYWORD_PREFIX bytes (see
# _Matchers.automaton).
KEYWORD_PREFIX = 16
_MAX_QUEUED_UNITS = 16_000  # 4-byte unit numbers: 64,000 bytes fit a pipe's 64 KiB
# Usage patterns are hints: a file larger than this is not searched for them, and a
# provider imported in many files (an SDK's own sources) is searched in the first
# USAGE_MAX_FILES files of each chunk that import it. Counting per chunk, not per
# process, keeps the result the same whichever process scans a chunk and however many
# cores the machine has.
USAGE_MAX_BYTES = 256 * 1024
USAGE_MAX_FILES = 4


class _Outcome(NamedTuple):
    """What scanning a batch of files produced (picklable, for worker processes)."""

    evidence: list[Evidence]
    suppressed: list[Suppressed]
    skipped: list[tuple[str, str]]  # (reason, path-or-dir)
    files: int
    bytes: int
    usage: dict[str, set[str]]  # provider -> usage pattern names


def _usage_in(text: str, low: bytes, cls: str, evidence: list[Evidence], matchers: _Matchers,
              usage: dict[str, set[str]], searched: dict[str, int]) -> None:
    if cls not in _SOURCE_CLASSES or len(text) > USAGE_MAX_BYTES:
        return
    for pid in sorted({e.provider for e in evidence if e.evidence in ("import", "call")}):
        seen = usage.setdefault(pid, set())
        if searched.get(pid, 0) >= USAGE_MAX_FILES:
            continue
        searched[pid] = searched.get(pid, 0) + 1
        for name, pattern, literals in matchers.usage(pid):
            if name not in seen and (literals is None or any(lit in low for lit in literals)) and pattern.search(text):
                seen.add(name)


_SOURCE_CLASSES = frozenset(classify.LANGUAGE_BY_EXT.values())


# Bundles and compiled libraries committed without a .min.js name (an emscripten
# build in static/js, a vendored SDK bundle) are someone else's code: their generic
# socket or storage shims are not the app's connections. Hand-written code averages
# 30-60 characters a line; such files average thousands.
MINIFIED_MIN_BYTES = 4_096
MINIFIED_AVG_LINE = 400


def _looks_minified(raw: bytes) -> bool:
    return len(raw) >= MINIFIED_MIN_BYTES and len(raw) > MINIFIED_AVG_LINE * (raw.count(b"\n") + 1)


# One open, fstat and read per file, without a Python file object: a third of the
# reading cost on a 1,300-file tree. O_NOFOLLOW refuses a symlink (ELOOP), so it is
# counted and never followed; O_NONBLOCK keeps a FIFO from stalling the scan (it is not
# a regular file, so it is not read).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_OPEN_FLAGS = (os.O_RDONLY | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_BINARY", 0))


def _read(full: str, rel: str, options: ScanOptions, skipped: list[tuple[str, str]]) -> bytes | None:
    try:
        if not _NOFOLLOW and os.path.islink(full):  # a platform without O_NOFOLLOW
            skipped.append(("symlink", rel))
            return None
        fd = os.open(full, _OPEN_FLAGS)
    except FileNotFoundError:
        return None  # listed by git but deleted in the work tree
    except OSError as exc:
        skipped.append(("symlink" if exc.errno == errno.ELOOP else "unreadable", rel))
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            skipped.append(("unreadable", rel))
            return None
        if st.st_size > options.max_file_bytes:
            skipped.append(("too_large", rel))
            return None
        data = os.read(fd, st.st_size + 1)  # a regular file reads whole in one call
        if len(data) > st.st_size:  # it grew since fstat: read the rest, then cap it again
            parts = [data]
            while parts[-1]:
                parts.append(os.read(fd, 1 << 16))
            data = b"".join(parts)
            if len(data) > options.max_file_bytes:
                skipped.append(("too_large", rel))
                return None
        return data
    except OSError:
        skipped.append(("unreadable", rel))
        return None
    finally:
        os.close(fd)


def _scan_batch(root: Path, items: list[tuple[str, str]], compiled: CompiledRules, options: ScanOptions,
                contents: Mapping[str, bytes] | None = None, matchers: _Matchers | None = None,
                usage: dict[str, set[str]] | None = None) -> _Outcome:
    """Scan ``items``, which start at a chunk boundary (see SCAN_CHUNK). ``usage`` carries
    the usage names already found in this process, so they are not searched again."""
    matchers = matchers or _Matchers(compiled)
    out = _FileScan()
    skipped: list[tuple[str, str]] = []
    usage = {} if usage is None else usage
    searched: dict[str, int] = {}
    files = bytes_read = 0
    base = str(root) + os.sep
    for n, (rel, cls) in enumerate(items):
        if n % SCAN_CHUNK == 0:
            searched = {}
        raw = contents.get(rel) if contents is not None else None  # read once, by the readiness corpus
        if raw is None or len(raw) > options.max_file_bytes:
            raw = _read(base + rel, rel, options, skipped)
            if raw is None:
                continue
        if cls == classify.SCRIPT:
            cls = classify.script_language(raw)
            if cls is None:  # a suffix-less file that is not a script the rules read
                continue
        if b"\0" in raw[:_BINARY_SNIFF]:
            skipped.append(("binary", rel))
            continue
        if cls == "javascript" and _looks_minified(raw):
            skipped.append(("minified", rel))
            continue
        files += 1
        bytes_read += len(raw)
        if cls == "manifest":
            _scan_manifest(rel, _decode_manifest(raw), matchers, out)
            continue
        before = len(out.evidence)
        found = _scan_text(rel, cls, raw, matchers, out)
        if found is not None:
            _usage_in(found[0], found[1], cls, out.evidence[before:], matchers, usage, searched)
    return _Outcome(out.evidence, out.suppressed, skipped, files, bytes_read, usage)


def _run_forked(root: Path, items: list[tuple[str, str]], compiled: CompiledRules, options: ScanOptions,
                workers: int, matchers: _Matchers) -> list[_Outcome]:
    """Scan in forked children that inherit the rules and the keyword automata already
    built here; each sends its outcomes back over a pipe. Cheaper than a multiprocessing
    pool (no pool start-up, no per-worker automaton build).

    The work is shared out as it goes, not split up front: the chunk numbers wait in a
    pipe and every process, this one included, reads the next one when it is free. A
    pipe read of 4 bytes is atomic, so each chunk goes to exactly one process. A fixed
    split left one process idle while the other paid first-use costs (importing the TOML
    parser for pyproject.toml, compiling patterns): 62 ms against 79-112 ms on the
    4,600-file Django slice."""
    import pickle
    import struct

    for cls in {RULES_OF.get(c, c) for _, c in items} - {classify.SCRIPT}:
        matchers.automaton(cls)
    # Every chunk number is written before forking, so no child holds the pipe's write
    # end open; a pipe holds 64 KiB, so on huge trees a unit of work is several chunks
    # (still starting on a chunk boundary, so usage caps count the same).
    per_unit = SCAN_CHUNK * max(1, -(-len(items) // (SCAN_CHUNK * _MAX_QUEUED_UNITS)))
    chunks = [items[i:i + per_unit] for i in range(0, len(items), per_unit)]
    queue_r, queue_w = os.pipe()
    os.write(queue_w, b"".join(struct.pack("=I", i) for i in range(len(chunks))))
    os.close(queue_w)

    def work(usage: dict[str, set[str]], done: list[int]) -> list[_Outcome]:
        outcomes = []
        while True:
            got = os.read(queue_r, 4)
            if len(got) < 4:
                return outcomes
            k = struct.unpack("=I", got)[0]
            outcomes.append(_scan_batch(root, chunks[k], compiled, options, None, matchers, usage))
            done.append(k)

    children: list[tuple[int, int]] = []
    for _ in range(workers - 1):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: scan, send, exit without running the parent's cleanups
            os.close(read_fd)
            try:
                done: list[int] = []
                mine = work({}, done)
                payload = pickle.dumps((done, mine, regex_cache.take_fresh()))
                with os.fdopen(write_fd, "wb") as fh:
                    fh.write(payload)
                os._exit(0)
            except BaseException:  # noqa: BLE001 - the parent rescans what it cannot account for
                os._exit(1)
        os.close(write_fd)
        children.append((pid, read_fd))
    scanned: list[int] = []
    outcomes = work({}, scanned)
    os.close(queue_r)
    for pid, read_fd in children:
        with os.fdopen(read_fd, "rb") as fh:
            payload = fh.read()
        _, status = os.waitpid(pid, 0)
        if status == 0 and payload:
            done, theirs, programs = pickle.loads(payload)  # our own child's bytes
            outcomes.extend(theirs)
            scanned.extend(done)
            regex_cache.add_fresh(programs)
    # a chunk a failed child had taken (or was scanning) is scanned here
    usage: dict[str, set[str]] = {}
    for k in sorted(set(range(len(chunks))) - set(scanned)):
        outcomes.append(_scan_batch(root, chunks[k], compiled, options, None, matchers, usage))
    return outcomes


# Up to this many files named on the command line, the keyword automaton is an NFA:
# cheaper to build than to run (break-even near 3 MB of text, measured on Django).
SMALL_SCAN_FILES = 200


def _inside(path: str, releases: frozenset[str]) -> tuple[str, str] | None:
    """("vendored", "dir/") when ``path`` lies in one of the unpacked releases."""
    directory = path.rpartition("/")[0]
    while directory:
        if directory in releases:
            return "vendored", directory + "/"
        directory = directory.rpartition("/")[0]
    return None


def prepare(compiled: CompiledRules, files: int | None = None) -> _Matchers:
    """The keyword automata for ``compiled``, built ahead of :func:`scan` (pass them as
    ``matchers``) so the build overlaps with listing files. ``files``: how many files
    will be scanned, when known (None: a directory still being listed)."""
    return _Matchers(compiled, small=files is not None and files <= SMALL_SCAN_FILES).prepare()


def scan(listing: Listing, compiled: CompiledRules, options: ScanOptions = ScanOptions(), workers: int | None = None,
         contents: Mapping[str, bytes] | None = None, matchers: _Matchers | None = None) -> ScanResult:
    """Scan the listed files. ``contents`` holds bytes already read (the readiness corpus),
    so a run that does both reads each file once. ``matchers`` come from :func:`prepare`
    with the same ``compiled`` rules."""
    started = time.perf_counter()
    skipped: dict[tuple[str, str], int] = defaultdict(int)
    excluder = None
    if options.exclude:
        import pathspec

        excluder = pathspec.GitIgnoreSpec.from_lines(options.exclude)
    items: list[tuple[str, str]] = []
    releases = frozenset() if options.include_vendored else classify.bundled_release_dirs(listing.paths, listing.root)
    for rel in listing.paths:
        if rel in options.own_files:
            continue
        if excluder is not None and excluder.match_file(rel):
            skipped[("excluded", rel)] += 1
            continue
        if not options.include_vendored:
            why = classify.skip_reason(rel) or (_inside(rel, releases) if releases else None)
            if why is not None:
                skipped[why] += 1
                continue
        cls = classify.file_class(rel)
        if cls is not None:
            items.append((rel, cls))
    if workers is None:
        can_fork = hasattr(os, "fork") and sys.platform.startswith("linux")
        workers = min(os.cpu_count() or 1, 4) if len(items) >= PARALLEL_MIN_FILES and can_fork else 1
    matchers = matchers or _Matchers(compiled, small=len(items) <= SMALL_SCAN_FILES)
    if workers > 1 and contents is None:
        outcomes = _run_forked(listing.root, items, compiled, options, workers, matchers)
    else:
        outcomes = [_scan_batch(listing.root, items, compiled, options, contents, matchers)]
    evidence: list[Evidence] = []
    suppressed: set[Suppressed] = set()
    usage: dict[str, set[str]] = defaultdict(set)
    files = bytes_read = 0
    for o in outcomes:
        evidence.extend(o.evidence)
        suppressed.update(o.suppressed)
        for why in o.skipped:
            skipped[why] += 1
        files += o.files
        bytes_read += o.bytes
        for pid, names in o.usage.items():
            usage[pid] |= names
    regex_cache.save()  # the patterns compiled for the first time, for the next run
    skipped_list = tuple(Skipped(p, r, n) for (r, p), n in sorted(skipped.items(), key=lambda kv: (kv[0][1], kv[0][0])))
    return ScanResult(
        connections=_aggregate(evidence, compiled, usage),
        suppressed=tuple(sorted(suppressed)),
        skipped=skipped_list,
        files_scanned=files,
        bytes_scanned=bytes_read,
        files_listed=len(listing.paths),
        seconds=time.perf_counter() - started,
    )


def _aggregate(evidence: list[Evidence], compiled: CompiledRules, usage: dict[str, set[str]]) -> tuple[Connection, ...]:
    by_provider: dict[str, set[Evidence]] = defaultdict(set)
    for ev in evidence:
        by_provider[ev.provider].add(ev)
    connections = []
    for pid, evs in sorted(by_provider.items()):
        provider = compiled.providers[pid]
        ordered = tuple(sorted(evs, key=lambda e: (e.path, e.line, e.rule)))
        connections.append(Connection(
            id=pid,
            provider=pid,
            name=provider.name,
            kind=provider.kind,
            category=provider.category,
            test_only=all(e.test for e in ordered),
            files=tuple(sorted({e.path for e in ordered})),
            evidence=ordered,
            env_vars=tuple(sorted({e.env_var for e in ordered if e.env_var})),
            endpoints=tuple(sorted({e.endpoint for e in ordered if e.endpoint})),
            usage_patterns=tuple(sorted(usage.get(pid, ()))),
        ))
    return tuple(connections)


def scan_paths(paths: Iterable[str], compiled: CompiledRules, options: ScanOptions = ScanOptions(), cwd: Path | None = None) -> ScanResult:
    from connreg_gate.discover.files import list_paths

    return scan(list_paths(paths, cwd), compiled, options)
