"""Comment and docstring detection: exact answers, whatever order they are asked in.

CommentMap finds block comments and docstrings lazily, only as far as the offsets asked
about, and skips the quote-aware line scan when no marker precedes the offset. These
tests pin both shortcuts to the plain answer: every span found first, every line scanned.
"""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from connreg_gate.discover.comments import (
    _SPACED,
    LINE_MARKERS,
    CommentMap,
    block_spans,
    _docstring_spans,
    _line_comment_start,
)

# Fragments that open and close every comment syntax we know, plus quotes and URLs.
FRAGMENTS = ['"""', "'''", "/*", "*/", "#", "//", "<!--", "-->", "\n=begin", "\n=end", '"', "'", "`",
             "\\", "\n", " ", "https://x", "import stripe", "r", "x = ", ";",
             "<script>", "</script>", "<STYLE a>"]
CLASSES = ["python", "javascript", "go", "ruby", "php", "html", "env", "config", "terraform", "deploy"]


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _eager(text: str, cls: str, offset: int) -> bool:
    """The plain definition: every span found up front, every line scanned in full."""
    spans = list(_docstring_spans(text)) if cls == "python" else list(block_spans(text, cls))
    if any(start <= offset < end for start, end in spans):
        return True
    markers = LINE_MARKERS.get(cls, ())
    if not markers:
        return False
    start = _line_start(text, offset)
    end = text.find("\n", start)
    line = text[start: end if end >= 0 else len(text)]
    found = _line_comment_start(line, markers, cls in _SPACED)
    return 0 <= found <= offset - start


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40), st.sampled_from(CLASSES), st.data())
def test_answers_do_not_depend_on_query_order(parts: list[str], cls: str, data: st.DataObject) -> None:
    text = "".join(parts)
    if not text:
        return
    offsets = data.draw(st.lists(st.integers(0, len(text) - 1), min_size=1, max_size=20))
    fresh = [_eager(text, cls, o) for o in offsets]
    shared = CommentMap(text, cls)
    assert [shared.contains(_line_start(text, o), o) for o in offsets] == fresh
    ascending = CommentMap(text, cls)
    by_offset = {o: ascending.contains(_line_start(text, o), o) for o in sorted(set(offsets))}
    assert [by_offset[o] for o in offsets] == fresh


def test_known_answers() -> None:
    py = 'import os\n"""\nimport stripe\n"""\nx = "#" + y  # import stripe\nurl = "a#b"\n'
    m = CommentMap(py, "python")
    assert m.contains(py.index("import stripe"), py.index("import stripe")) is True  # in a docstring
    line = py.index("x = ")
    assert m.contains(line, py.index("+ y")) is False  # after '"#"', a quoted marker
    assert m.contains(line, py.rindex("import stripe")) is True  # after the real '#'
    assert m.contains(0, 0) is False
    js = 'const u = "https://api.stripe.com"; /* stripe\n */ call() // stripe\n'
    m = CommentMap(js, "javascript")
    assert m.contains(0, js.index("api.stripe")) is False  # '//' of a URL inside quotes
    assert m.contains(0, js.index("stripe\n")) is True  # block comment
    second = js.index("call()")
    assert m.contains(js.rindex("\n", 0, second) + 1, js.rindex("stripe")) is True
    assert m.contains(js.rindex("\n", 0, second) + 1, second) is False


def test_later_spans_are_found_on_first_ask() -> None:
    py = "".join(f'def f{i}():\n    """doc {i}: import stripe"""\n    return {i}\n' for i in range(3))
    js = "".join(f"/* block {i}: stripe */ call{i}();\n" for i in range(3))
    for text, cls, code in ((py, "python", "return 1"), (js, "javascript", "call1")):
        last = text.rindex("stripe")
        assert CommentMap(text, cls).contains(_line_start(text, last), last) is True
        m = CommentMap(text, cls)
        order = [text.index("stripe"), last, text.index(code)]
        assert [m.contains(_line_start(text, o), o) for o in order] == [True, True, False]


def test_a_pages_script_comments_and_text_that_only_looks_like_one() -> None:
    page = ('<p>Files under docs/* are copied.</p>\n<script>\n/* google maps - future possibility\n'
            '   load("https://maps.googleapis.com/maps/api/js");\n*/\nvar tiles = "https://tile.example.org";\n'
            '/* never closed in this script\n</script>\n'
            '<!-- old: <script src="https://js.stripe.com/v3"></script> -->\n'
            '<script src="https://cdn.segment.com/a.js"></script>\n<style>/* a */ .b { } </style>*/\n')
    m = CommentMap(page, "html")
    at = [page.index("maps.googleapis"), page.index("tile.example"), page.index("js.stripe"),
          page.index("cdn.segment"), page.index("never closed")]
    # a script's block comment; code after it; an HTML comment holding a script; a script
    # after the page's text "docs/*" and a script's unclosed `/*`, neither a comment
    assert [m.contains(_line_start(page, o), o) for o in at] == [True, False, True, False, False]
