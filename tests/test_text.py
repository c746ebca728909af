"""ui.text: data shown where Streamlit renders Markdown, or in a Plotly label, reads exactly
as written. (What a browser renders is proved in tests/browser/test_hostile_input.py.)"""

from __future__ import annotations

import string

import pytest
from pages_helpers import shown

from ui.text import WORD_JOINER, escape_md, plotly_text

PAYLOADS = [
    "**bold** ![x](http://127.0.0.1:9/x.png) [log in again](http://127.0.0.1:9/)",
    "<img src=x onerror=alert(1)> <a href='http://127.0.0.1:9/'>a</a> &amp;",
    ":red[red] :material/home: :streamlit: $x^2$ -> <- ~= a@b.co www.example.com",
    "a\\b `code` ~~gone~~ | table | _under_ {braces} #1 1. 2)",
    string.punctuation,
    "140.001", "TR-GR", "Ådne Øberg 🙂", "",
]


@pytest.mark.parametrize("value", PAYLOADS)
def test_escaped_text_reads_as_written(value):
    escaped = escape_md(value)
    assert shown(escaped) == value
    # every punctuation character is escaped, so Markdown has nothing left to act on
    unescaped = escaped.replace("\\\\", "").replace(WORD_JOINER, "")
    for i, ch in enumerate(unescaped):
        if ch in string.punctuation and ch != "\\":
            assert unescaped[i - 1] == "\\", (value, i)


def test_line_breaks_cannot_start_a_block():
    assert shown(escape_md("a\n# b\r\n- c")) == "a # b - c"
    assert escape_md(None) == ""


def test_rewritten_sequences_are_broken_up():
    assert "://" not in escape_md("http://x").replace("\\", "")
    assert WORD_JOINER in escape_md("www.x") and WORD_JOINER in escape_md("a@b.co")
    assert "->" not in escape_md("a -> b").replace("\\", "")


def test_plotly_labels_show_tags_as_text():
    assert plotly_text("<a href='x'>A</a> & <b>") == "&lt;a href='x'&gt;A&lt;/a&gt; &amp; &lt;b&gt;"
