"""The one place credentials are masked. Every reporter and writer goes through here.

Masking is deliberately greedy: a false positive costs a few characters of
context in a report, a false negative leaks a credential into a CI log.
"""
from __future__ import annotations

import functools
import re
from typing import Any

from connreg_gate import regex_cache

MASK = "***"

# scheme://user:password@host -> scheme://user:***@host (also scheme://:password@host)
_URL_USERINFO = regex_cache.compile(r"(?P<pre>[A-Za-z][A-Za-z0-9+.-]*://[^\s/@:'\"<>]*:)(?P<pw>[^\s/@'\"<>]+)(?=@)")
# scheme://token@host (a bare credential as the user part, e.g. https://ghp_xxx@github.com)
_URL_TOKEN_USER = regex_cache.compile(
    r"(?P<pre>[A-Za-z][A-Za-z0-9+.-]*://)(?P<pw>(?:gh[pousr]_|glpat-|sk[-_]|xox[abp]-)[^\s/@'\"<>]+)(?=@)"
)
# ?password=...&api_key=... in query strings and DSNs
_QUERY_SECRET = regex_cache.compile(
    r"(?P<pre>[?&;](?:password|passwd|pwd|pass|secret|token|api[_-]?key|apikey|key|access[_-]?key|"
    r"secret[_-]?key|auth|authorization|sig|signature|client[_-]?secret|sslpassword)=)(?P<pw>[^&;#\s'\"<>]+)",
    re.IGNORECASE,
)
# DSN style: "Password=...;" (ADO.NET) and "password=... " (libpq keyword strings)
_KV_SECRET = regex_cache.compile(
    r"(?P<pre>\b(?:password|pwd)\s*=\s*)(?P<pw>[^;\s'\"]+)",
    re.IGNORECASE,
)
# Well-known key shapes. Each keeps a short recognisable prefix; the tail must
# contain a digit so identifiers such as ACCESS_TOKEN_NAME are left alone.
_KEY_SHAPES = regex_cache.compile(
    r"(?P<pre>\b(?:sk-(?:proj-|ant-(?:api|admin)\d{2}-|or-v1-)?|sk_(?:live|test)_|rk_(?:live|test)_|"
    r"pk_(?:live|test)_|whsec_|xox[abprs]-|gh[pousr]_|github_pat_|glpat-|AIza|AKIA|ASIA|SG\.|re_|phc_|"
    r"npm_|pypi-|hf_|gsk_|r8_|pcsk_|xai-))(?P<pw>(?=[A-Za-z_\-.]*\d)[A-Za-z0-9_\-.]{16,})"
)
# Hex-bodied ids and keys (Twilio AC/SK sids, Mailgun key-...).
_HEX_SHAPES = regex_cache.compile(r"(?P<pre>\b(?:AC|SK|key-))(?P<pw>[0-9a-f]{32})\b")


def _sub(match: re.Match[str]) -> str:
    return match.group("pre") + MASK


@functools.lru_cache(maxsize=1 << 16)
def mask(text: str) -> str:
    """Return ``text`` with every credential we can recognise replaced by ``***``.

    Reports repeat the same paths, rule ids and keys thousands of times: the answer is
    cached, and a string that none of the patterns could match returns at once."""
    if not text:
        return text
    # Every pattern needs "://" or "=", or a body of at least 16 characters after its prefix.
    if len(text) < 18 and "=" not in text and "://" not in text:
        return text
    for pattern in (_URL_USERINFO, _URL_TOKEN_USER, _QUERY_SECRET, _KV_SECRET, _KEY_SHAPES, _HEX_SHAPES):
        text = pattern.sub(_sub, text)
    return text


def mask_data(value: Any) -> Any:
    """Mask every string inside nested dicts, lists and tuples (for JSON/YAML output)."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {mask_data(k): mask_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_data(v) for v in value]
    return value
