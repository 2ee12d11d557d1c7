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
_BLOCK = re.compile(r"<(p|ul|ol)\b", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def safe_html(text: str) -> SafeString:
    """`text` sanitised to the allowed subset (see module docstring)."""
    cleaned = nh3.clean(text or "", tags=ALLOWED_TAGS, attributes={})
    if not cleaned.strip():
        return mark_safe("")  # noqa: S308  # nosec B308 B703
    if not _BLOCK.search(cleaned):
        paragraphs = [
            part.strip().replace("\n", "<br>")
            for part in _PARAGRAPH_BREAK.split(cleaned)
            if part.strip()
        ]
        cleaned = "".join(f"<p>{part}</p>" for part in paragraphs)
    # nh3's output holds only the allowed tags, without attributes; the paragraph
    # wrapping adds only <p> and <br>.
    return mark_safe(cleaned)  # noqa: S308  # nosec B308 B703
