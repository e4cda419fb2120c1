"""Is a match inside a comment or docstring? Then it is a mention, not usage.

Two cheap parts, both only run for files where a rule already matched:
- block comments and docstrings, found left to right with ``str.find`` (C speed) and
  only as far as the last match asked about: most evidence (imports) sits near the top;
- line comments, decided on the match's own line: a ``str.find`` for the markers
  before the match, then, only when one is there, a small quote-aware scan.
"""
from __future__ import annotations

import bisect
import heapq
import re
from typing import Iterator

HASH = ("#",)
SLASH = ("//",)
# Line comment markers and block delimiters per file class.
LINE_MARKERS: dict[str, tuple[str, ...]] = {
    "python": HASH, "ruby": HASH, "coffeescript": HASH, "env": HASH, "deploy": HASH, "shell": HASH,
    "config": ("#", ";"),
    "javascript": SLASH, "go": SLASH, "java": SLASH, "csharp": SLASH,
    "php": ("//", "#"), "terraform": ("#", "//"), "html": (), "sql": ("--",),
}
BLOCKS: dict[str, tuple[tuple[str, str], ...]] = {
    "javascript": (("/*", "*/"),), "go": (("/*", "*/"),), "java": (("/*", "*/"),),
    "csharp": (("/*", "*/"),), "php": (("/*", "*/"),), "terraform": (("/*", "*/"),),
    "ruby": (("\n=begin", "\n=end"),), "coffeescript": (("###", "###"),), "html": (("<!--", "-->"),),
    "sql": (("/*", "*/"),),
    # XML settings (Spring beans, HTTPS Everywhere rulesets): a commented-out bean or a
    # host listed in a comment is not used
    "config": (("<!--", "-->"),),
}
# A page's scripts and style sheets: their `/* */` comments are comments too (a Node-RED
# node's editor page: `/* google maps - future possibility ... */`). Only inside them, since
# in the page's text `/*` can be prose ("docs/*").
_EMBEDDED = re.compile(r"<(script|style)\b[^>]*>", re.IGNORECASE)
_EMBEDDED_END = {"script": re.compile(r"</script", re.IGNORECASE), "style": re.compile(r"</style", re.IGNORECASE)}
# Markers that need white space (or line start) before them, as in YAML and shells.
_SPACED = frozenset({"env", "deploy", "config", "shell"})


def _block_spans(text: str, open_: str, close: str, start: int = 0, stop: int | None = None,
                 must_close: bool = False) -> Iterator[tuple[int, int]]:
    """Block comments in order of their start; they never overlap. Between ``start`` and
    ``stop`` only; with ``must_close``, an opener with no closer before ``stop`` is none."""
    stop = len(text) if stop is None else stop
    pos = text.find(open_, start, stop)
    while pos >= 0:
        end = text.find(close, pos + len(open_), stop)
        if end < 0 and must_close:
            return  # no later opener can close either
        end = stop if end < 0 else end + len(close)
        # `"/*"` inside a string literal on the same line is not a comment opener.
        line_start = text.rfind("\n", 0, pos) + 1
        prefix = text[line_start:pos]
        if (prefix.count('"') % 2 == 0 and prefix.count("'") % 2 == 0) or open_.startswith("\n"):
            yield pos, end
            pos = text.find(open_, end, stop)
        else:
            pos = text.find(open_, pos + len(open_), stop)


def _embedded_spans(text: str) -> Iterator[tuple[int, int]]:
    """`/* */` comments inside a page's <script> and <style> elements, in order."""
    for m in _EMBEDDED.finditer(text):
        close = _EMBEDDED_END[m.group(1).lower()].search(text, m.end())
        yield from _block_spans(text, "/*", "*/", m.end(), len(text) if close is None else close.start(),
                                must_close=True)


def _joined(spans: Iterator[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Spans in order of their start, overlapping ones joined (a script inside `<!-- -->`)."""
    current: tuple[int, int] | None = None
    for start, end in spans:
        if current is None:
            current = (start, end)
        elif start < current[1]:
            current = (current[0], max(current[1], end))
        else:
            yield current
            current = (start, end)
    if current is not None:
        yield current


def block_spans(text: str, file_class: str) -> Iterator[tuple[int, int]]:
    """Every block comment of a ``file_class`` file (not Python's docstrings), in order;
    the spans of several syntaxes are merged, overlapping ones joined."""
    sources = [_block_spans(text, open_, close) for open_, close in BLOCKS.get(file_class, ())]
    if file_class == "html":
        sources.append(_embedded_spans(text))
    if len(sources) == 1:
        return sources[0]
    return _joined(heapq.merge(*sources))


_DOCSTRING_PREFIXES = frozenset(("", "r", "R", "b", "u", "f", "rb", "br", "rf", "fr"))


def _closing_quote(text: str, quote: str, pos: int) -> int:
    """Where a triple-quoted string opened before ``pos`` closes. A quote after an odd run
    of backslashes is part of the string: Shiny's module docstring quotes example code
    whose own docstrings are written with escaped quotes."""
    while True:
        end = text.find(quote, pos)
        if end < 0:
            return end
        slashes = 0
        while end - slashes - 1 >= pos and text[end - slashes - 1] == "\\":
            slashes += 1
        if slashes % 2 == 0:
            return end
        pos = end + 1


def _docstring_spans(text: str) -> Iterator[tuple[int, int]]:
    """Triple-quoted strings that start a statement (docstrings and commented-out
    blocks), from the start of their line, in order; they never overlap."""
    n = len(text)
    dq, sq = '"' * 3, "'" * 3
    next_dq, next_sq = text.find(dq), text.find(sq)
    while next_dq >= 0 or next_sq >= 0:
        if next_sq < 0 or 0 <= next_dq < next_sq:
            start, quote = next_dq, dq
        else:
            start, quote = next_sq, sq
        end = _closing_quote(text, quote, start + 3)
        end = n if end < 0 else end + 3
        line_start = text.rfind("\n", 0, start) + 1
        if text[line_start:start].strip() in _DOCSTRING_PREFIXES:
            yield line_start, end
        # Only re-search a delimiter whose next occurrence we have passed.
        if 0 <= next_dq < end:
            next_dq = text.find(dq, end)
        if 0 <= next_sq < end:
            next_sq = text.find(sq, end)


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
    """Answers "is this offset in a comment?" for one file's text."""

    def __init__(self, text: str, file_class: str) -> None:
        self._text = text
        self._markers = LINE_MARKERS.get(file_class, ())
        self._spaced = file_class in _SPACED
        if file_class == "python":
            self._pending: Iterator[tuple[int, int]] | None = _docstring_spans(text)
        elif file_class in BLOCKS:
            self._pending = block_spans(text, file_class)
        else:
            self._pending = None
        self._starts: list[int] = []
        self._ends: list[int] = []

    def _spans_through(self, offset: int) -> None:
        """Find spans until one starts after ``offset`` (or none are left)."""
        pending = self._pending
        if pending is None or (self._starts and self._starts[-1] > offset):
            return
        for start, end in pending:
            self._starts.append(start)
            self._ends.append(end)
            if start > offset:
                return
        self._pending = None

    def contains(self, line_start: int, offset: int) -> bool:
        self._spans_through(offset)
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self._ends[i]:
            return True
        markers = self._markers
        if not markers:
            return False
        text = self._text
        end = text.find("\n", line_start)
        if end < 0:
            end = len(text)
        # A comment that covers ``offset`` starts with a marker at or before it.
        if not any(text.find(m, line_start, min(end, offset + len(m))) >= 0 for m in markers):
            return False
        start = _line_comment_start(text[line_start:end], markers, self._spaced)
        return 0 <= start <= offset - line_start
