"""The consultant's texts as safe HTML: a small subset of formatting, nothing else.

nh3 (the ammonia sanitiser) keeps bold, italics, paragraphs, line breaks and lists
without any attribute, drops `<script>`/`<style>` with their content and every
other tag (so an `<img src=…>` never reaches a browser or the PDF renderer), and
escapes the rest. Plain text with blank lines becomes paragraphs.
"""

import re

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li"}
_BLOCK_START = re.compile(r"<(p|ul|ol)\b", re.IGNORECASE)
_EMPTY = re.compile(r"<p>(\s|<br>)*</p>")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def safe_html(text: str) -> SafeString:
    """`text` sanitised to the allowed subset (see module docstring)."""
    chunks = [c.strip() for c in _PARAGRAPH_BREAK.split(text or "") if c.strip()]
    # A chunk that is not already a paragraph or a list becomes one; the sanitiser
    # below closes a paragraph where a list starts inside it.
    wrapped = "".join(
        c if _BLOCK_START.match(c) else "<p>" + c.replace("\n", "<br>") + "</p>"
        for c in chunks
    )
    cleaned = _EMPTY.sub("", nh3.clean(wrapped, tags=ALLOWED_TAGS, attributes={}))
    # nh3's output holds only the allowed tags, without attributes.
    return mark_safe(cleaned)  # noqa: S308  # nosec B308 B703
