"""Rules every template keeps, checked on the source."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
SCROLLERS = [
    (path, tag)
    for path in TEMPLATES
    for tag in re.findall(r"<div[^>]*\btable-responsive\b[^>]*>", path.read_text())
]


def test_there_are_scrolling_tables_to_check():
    assert len(SCROLLERS) >= 8


@pytest.mark.parametrize(
    "path, tag", SCROLLERS, ids=[f"{p.name}-{i}" for i, (p, _) in enumerate(SCROLLERS)]
)
def test_a_scrolling_table_is_a_named_region_keyboard_users_reach(path, tag):
    # A sideways-scrolling box must take focus (tabindex 0) so the arrow keys scroll
    # it, and a region needs a name for screen readers.
    assert 'tabindex="0"' in tag
    assert 'role="region"' in tag
    assert "aria-label=" in tag or "aria-labelledby=" in tag
