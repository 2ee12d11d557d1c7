"""Dutch first, English complete: every UI string has a Dutch translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="gettext tools are not installed"
)


def test_every_dutch_entry_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == [], f"untranslated: {untranslated[:20]}"
    assert fuzzy == [], f"fuzzy: {fuzzy[:20]}"


def test_the_compiled_catalogue_matches_the_po_file():
    compiled = polib.mofile(str(MO))
    source = polib.pofile(str(PO))
    expected = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
        for e in source
        if not e.obsolete
    }
    got = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in compiled}
    got.pop((None, ""), None)
    expected.pop((None, ""), None)
    assert got == expected, "run `make messages` and commit locale/"


@pytest.mark.slow
def test_no_ui_string_is_missing_from_the_catalogue(tmp_path):
    """Extract strings from a copy of the code and compare with the committed .po."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "staticfiles",
            "*.sqlite3*",
            "bench",
            "tests",
            "node_modules",
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=300,
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / PO.relative_to(ROOT)))}
    committed = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    missing = sorted(extracted - committed)
    assert missing == [], f"run `make messages` and translate: {missing[:20]}"
