"""Dutch first, English complete: every interface string is in both catalogues, none fuzzy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "dramaturg"
LOCALE = PACKAGE / "locale"


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_string_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {key(entry)}")
        elif entry.msgid_plural and not all(entry.msgstr_plural.values()):
            problems.append(f"untranslated plural: {key(entry)}")
        elif not entry.msgid_plural and not entry.msgstr:
            problems.append(f"untranslated: {key(entry)}")
    assert not problems, "\n".join(problems)


def test_placeholders_survive_translation():
    for entry in catalogue("nl"):
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            for placeholder in ("%(name)s", "%(counter)s", "%(count)s", "{"):
                if placeholder in entry.msgid:
                    assert placeholder in text, f"{placeholder} lost in {entry.msgid!r}"


def test_catalogue_holds_every_string_the_code_marks(tmp_path):
    """Extract the strings afresh from a copy of the code and compare with the catalogue."""
    copy = tmp_path / "dramaturg"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale" / "nl" / "LC_MESSAGES").mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-m", "dramaturg", "makemessages", "-l", "nl", "--ignore=static", "-v0"],
        cwd=copy,
        check=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    committed = {key(e) for e in catalogue("nl") if not e.obsolete}
    missing = sorted({key(e) for e in fresh} - committed)
    assert not missing, "run `make messages` and translate:\n" + "\n".join(missing)
