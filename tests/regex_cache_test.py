"""The on-disk cache of compiled regex programs must never change what a pattern matches."""
from __future__ import annotations

import marshal
import os
import re
from pathlib import Path

import pytest

from connreg_gate import models, regex_cache
from connreg_gate.discover.files import list_directory
from connreg_gate.discover.scanner import ScanOptions, scan
from testing.repos import make_repo
from tests.scanner_test import REAL_USAGE, TRAPS


@pytest.fixture(autouse=True)
def _fresh_state():
    regex_cache._forget_loaded()
    yield
    regex_cache._forget_loaded()


def _cache_files() -> list[Path]:
    return sorted(Path(os.environ["CONNREG_CACHE_DIR"]).rglob("regex-*.marshal"))


def _all_patterns(rules) -> list[tuple[str, int]]:
    pats = [(r.pattern.regex, int(r.pattern.flags)) for r in rules.rules if r.pattern is not None]
    pats += [(p.regex, int(p.flags)) for prov in rules.providers.values() for _, p in prov.usage]
    return list(dict.fromkeys(pats))


def _sample_lines() -> list[str]:
    lines = [line for _, content, _, _ in REAL_USAGE for line in content.splitlines()]
    lines += [line for _, files in TRAPS for content in files.values() if isinstance(content, str)
              for line in content.splitlines()]
    return lines


def test_every_builtin_pattern_from_the_cache_matches_as_re_compile_does(rules):
    patterns = _all_patterns(rules)
    for regex, flags in patterns:
        regex_cache.compile(regex, flags)
    regex_cache.save()
    assert _cache_files(), "the programs were stored"
    regex_cache._forget_loaded()  # a new run: every program now comes from the file
    lines = _sample_lines()[::3]  # ~270 lines from the scanner's realistic and trap files
    for regex, flags in patterns:
        cached = regex_cache.compile(regex, flags)
        plain = re.compile(regex, flags)
        assert (cached.pattern, cached.flags, cached.groups, cached.groupindex) == \
            (plain.pattern, plain.flags, plain.groups, plain.groupindex)
        for line in lines:
            a, b = cached.search(line), plain.search(line)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (regex, line)
    assert not regex_cache.take_fresh(), "nothing was compiled afresh on the second run"


def test_a_damaged_cache_file_is_ignored_and_rewritten():
    regex_cache.compile(r"\bstripe\b", re.IGNORECASE)
    regex_cache.save()
    (path,) = _cache_files()
    path.write_bytes(b"\x00not marshal at all")
    regex_cache._forget_loaded()
    pat = regex_cache.compile(r"\bstripe\b", re.IGNORECASE)
    assert pat.search("import Stripe") is not None
    regex_cache.save()
    regex_cache._forget_loaded()
    assert regex_cache.stored(r"\bstripe\b", re.IGNORECASE) is not None


def test_a_program_the_engine_rejects_is_compiled_afresh(monkeypatch):
    regex_cache.compile(r"redis://\S+")
    regex_cache.save()
    regex_cache._forget_loaded()
    on_file = regex_cache._load()
    slot = regex_cache._slot(r"redis://\S+", 0)
    rx, fl, flags, code, groups, groupindex, indexgroup = marshal.loads(on_file[slot])
    on_file[slot] = marshal.dumps((rx, fl, flags, [0, 1, 2], groups, groupindex, indexgroup))  # not valid SRE code
    pat = regex_cache.compile(r"redis://\S+")
    assert pat.search("url = redis://cache:6379/0").group(0) == "redis://cache:6379/0"


def test_two_patterns_filed_in_one_slot_never_get_each_others_program(monkeypatch):
    monkeypatch.setattr(regex_cache, "_slot", lambda regex, flags: 7)  # every pattern collides
    regex_cache.compile(r"\bmongodb://\S+")
    regex_cache.save()
    regex_cache._forget_loaded()
    pat = regex_cache.compile(r"\bredis://\S+")  # the slot holds mongodb's program
    assert pat.search("redis://cache:6379") is not None and pat.search("mongodb://db") is None
    regex_cache.save()
    regex_cache._forget_loaded()
    assert regex_cache.stored(r"\bredis://\S+") is not None  # the newer pattern took the slot
    assert regex_cache.stored(r"\bmongodb://\S+") is None


def test_a_bad_pattern_fails_as_re_compile_fails():
    with pytest.raises(re.error):
        regex_cache.compile(r"(unclosed")


def test_no_cache_means_no_file(monkeypatch):
    monkeypatch.setenv("CONNREG_NO_CACHE", "1")
    assert regex_cache.compile(r"\bopenai\b").search("import openai")
    regex_cache.save()
    assert not _cache_files()


def test_a_forked_scan_stores_what_its_child_compiled(tmp_path, rules):
    # Files alternate between the parent's and the child's halves ([0::2], [1::2]); the
    # Twilio import is only in the child's half, so only the child compiles its rule.
    files = {f"src/m{i:02d}.py": "import os\n" for i in range(6)}
    files["src/m03.py"] = "from twilio.rest import Client\n"
    repo = make_repo(tmp_path / "repo", files)
    twilio_import = next(r for r in rules.rules if r.id == "twilio.import.python").pattern
    models._compiled.pop((twilio_import.regex, twilio_import.flags), None)  # compiled by an earlier test
    result = scan(list_directory(repo), rules, ScanOptions(), workers=2)
    assert "twilio" in [c.provider for c in result.connections]
    regex_cache._forget_loaded()
    assert regex_cache.stored(twilio_import.regex, twilio_import.flags) is not None
