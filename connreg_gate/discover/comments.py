"""Where comments (and docstrings) are in a file, so a mention there is not usage.

One tokenizer regex per comment family skips string literals and records comment
spans. It only runs on files where a rule already matched, so it is off the hot path.
"""
from __future__ import annotations

import bisect
import re

_STR_C = r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`(?:\\.|[^`\\])*`'
_C_LIKE = re.compile(r"(?P<s>" + _STR_C + r")|(?P<c>//[^\n]*|/\*.*?(?:\*/|\Z))", re.DOTALL)
_PHP = re.compile(r"(?P<s>" + _STR_C + r")|(?P<c>//[^\n]*|#(?!\[)[^\n]*|/\*.*?(?:\*/|\Z))", re.DOTALL)
_PY = re.compile(
    r"(?P<s>(?i:[rbuf]{0,2})(?:\"\"\".*?(?:\"\"\"|\Z)|'''.*?(?:'''|\Z)|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'))"
    r"|(?P<c>#[^\n]*)",
    re.DOTALL,
)
_RUBY = re.compile(
    r"(?P<s>\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*')|(?P<c>#[^\n]*|^=begin\b.*?(?:^=end\b|\Z))",
    re.DOTALL | re.MULTILINE,
)
# YAML, .env, TOML, INI, properties: `#` (or `;`) starts a comment at line start or after a space.
_HASH = re.compile(r"(?P<s>\"(?:\\.|[^\"\\\n])*\"|'(?:[^'\n])*')|(?P<c>(?:^|(?<=\s))[#;][^\n]*)", re.MULTILINE)
_TF = re.compile(r"(?P<s>\"(?:\\.|[^\"\\\n])*\")|(?P<c>#[^\n]*|//[^\n]*|/\*.*?(?:\*/|\Z))", re.DOTALL)
_HTML = re.compile(r"(?P<c><!--.*?(?:-->|\Z))", re.DOTALL)

TOKENIZERS = {
    "python": _PY, "javascript": _C_LIKE, "go": _C_LIKE, "java": _C_LIKE, "csharp": _C_LIKE,
    "php": _PHP, "ruby": _RUBY, "terraform": _TF, "html": _HTML,
    "env": _HASH, "deploy": _HASH, "config": _HASH,
}
_TRIPLE = re.compile(r"(?i:[rbuf]{0,2})(?:\"\"\"|''')")


class CommentMap:
    """Sorted comment spans of one file; ``contains(offset)`` is a bisect."""

    def __init__(self, text: str, file_class: str) -> None:
        starts: list[int] = []
        ends: list[int] = []
        tok = TOKENIZERS.get(file_class)
        if tok is not None:
            is_py = tok is _PY
            for m in tok.finditer(text):
                if m.lastgroup == "c":
                    starts.append(m.start())
                    ends.append(m.end())
                elif is_py and _TRIPLE.match(m.group()):
                    # A triple-quoted string that starts a statement is a docstring (or a
                    # commented-out block), never code that runs.
                    line_start = text.rfind("\n", 0, m.start()) + 1
                    if not text[line_start:m.start()].strip():
                        starts.append(m.start())
                        ends.append(m.end())
        self._starts = starts
        self._ends = ends

    def contains(self, offset: int) -> bool:
        i = bisect.bisect_right(self._starts, offset) - 1
        return i >= 0 and offset < self._ends[i]
