"""Is a match inside a comment or docstring? Then it is a mention, not usage.

Two cheap parts, both only run for files where a rule already matched:
- block comments and docstrings, found with ``str.find`` loops (C speed);
- line comments, decided on the match's own line by a small quote-aware scan.
"""
from __future__ import annotations

import bisect

HASH = ("#",)
SLASH = ("//",)
# Line comment markers and block delimiters per file class.
LINE_MARKERS: dict[str, tuple[str, ...]] = {
    "python": HASH, "ruby": HASH, "env": HASH, "deploy": HASH, "config": ("#", ";"),
    "javascript": SLASH, "go": SLASH, "java": SLASH, "csharp": SLASH,
    "php": ("//", "#"), "terraform": ("#", "//"), "html": (),
}
BLOCKS: dict[str, tuple[tuple[str, str], ...]] = {
    "javascript": (("/*", "*/"),), "go": (("/*", "*/"),), "java": (("/*", "*/"),),
    "csharp": (("/*", "*/"),), "php": (("/*", "*/"),), "terraform": (("/*", "*/"),),
    "ruby": (("\n=begin", "\n=end"),), "html": (("<!--", "-->"),),
}
# Markers that need white space (or line start) before them, as in YAML and shells.
_SPACED = frozenset({"env", "deploy", "config"})


def _block_spans(text: str, open_: str, close: str) -> list[tuple[int, int]]:
    spans = []
    pos = text.find(open_)
    while pos >= 0:
        end = text.find(close, pos + len(open_))
        end = len(text) if end < 0 else end + len(close)
        # `"/*"` inside a string literal on the same line is not a comment opener.
        line_start = text.rfind("\n", 0, pos) + 1
        prefix = text[line_start:pos]
        if (prefix.count('"') % 2 == 0 and prefix.count("'") % 2 == 0) or open_.startswith("\n"):
            spans.append((pos, end))
            pos = text.find(open_, end)
        else:
            pos = text.find(open_, pos + len(open_))
    return spans


def _docstring_spans(text: str) -> list[tuple[int, int]]:
    """Triple-quoted strings that start a statement: docstrings and commented-out blocks."""
    spans = []
    n = len(text)
    dq, sq = '"' * 3, "'" * 3
    nxt = {dq: text.find(dq), sq: text.find(sq)}
    while True:
        live = [(p, q) for q, p in nxt.items() if p >= 0]
        if not live:
            return spans
        start, quote = min(live)
        end = text.find(quote, start + 3)
        end = n if end < 0 else end + 3
        line_start = text.rfind("\n", 0, start) + 1
        if text[line_start:start].strip() in ("", "r", "R", "b", "u", "f", "rb", "br", "rf", "fr"):
            spans.append((line_start, end))
        # Only re-search a delimiter whose next occurrence we have passed.
        for q, p in nxt.items():
            if 0 <= p < end:
                nxt[q] = text.find(q, end)


def _line_comment_start(line: str, markers: tuple[str, ...], spaced: bool) -> int:
    """Offset in ``line`` where a line comment starts (outside quotes), or -1."""
    quote = ""
    i = 0
    n = len(line)
    while i < n:
        c = line[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "\"'`":
            quote = c
        else:
            for m in markers:
                if line.startswith(m, i) and (not spaced or i == 0 or line[i - 1] in " \t"):
                    # `://` in a bare URL is not a // comment
                    if m == "//" and i > 0 and line[i - 1] == ":":
                        break
                    return i
        i += 1
    return -1


class CommentMap:
    def __init__(self, text: str, file_class: str) -> None:
        self._text = text
        self._markers = LINE_MARKERS.get(file_class, ())
        self._spaced = file_class in _SPACED
        spans: list[tuple[int, int]] = []
        for open_, close in BLOCKS.get(file_class, ()):
            spans.extend(_block_spans(text, open_, close))
        if file_class == "python":
            spans.extend(_docstring_spans(text))
        spans.sort()
        self._starts = [s for s, _ in spans]
        self._ends = [e for _, e in spans]

    def contains(self, line_start: int, offset: int) -> bool:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self._ends[i]:
            return True
        if not self._markers:
            return False
        end = self._text.find("\n", line_start)
        line = self._text[line_start: end if end >= 0 else len(self._text)]
        start = _line_comment_start(line, self._markers, self._spaced)
        return 0 <= start <= offset - line_start
