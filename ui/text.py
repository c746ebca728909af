"""Text from data, URLs or analysts, shown as text where Streamlit renders Markdown.

Streamlit renders Markdown (links, images, HTML-like tags, `:red[...]` directives, LaTeX)
in st.markdown, st.caption, alerts, toasts, titles, labels and help, and then rewrites
plain text too: bare URLs and e-mail addresses become links, `:streamlit:` a logo, `->`
an arrow. `escape_md` makes a value read literally there."""

from __future__ import annotations

import html
import re
import string

WORD_JOINER = "\u2060"  # invisible; splits a sequence that the renderer would rewrite
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")
# Inside "://", ":name:" and "a@b", inside "www.", and between two of < > - ~ = : where the
# frontend rewrites text that Markdown escapes cannot reach (links, e-mail, logo, arrows).
_REWRITTEN = re.compile(r"(?<=[:@])(?=\S)|(?i:(?<=www)(?=\.))|(?<=[<>\-~=])(?=[<>\-~=])")


def escape_md(value: object) -> str:
    """`value` as a string that Markdown shows exactly as written. Every ASCII punctuation
    character gets a backslash, which CommonMark turns back into that plain character;
    line breaks become spaces, so a value cannot start a heading, list or block of its
    own; an invisible word joiner breaks up what would otherwise become a link."""
    text = _LINE_BREAKS.sub(" ", "" if value is None else str(value))
    text = _REWRITTEN.sub(WORD_JOINER, text)
    return _PUNCTUATION.sub(r"\\\1", text)


def plotly_text(value: object) -> str:
    """`value` for a Plotly label (tick, legend, hover), which understands a few HTML tags
    such as <a href> and <b>: the tags are escaped, so they show as written."""
    return html.escape("" if value is None else str(value), quote=False)
