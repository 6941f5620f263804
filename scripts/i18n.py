"""Keep the message catalogues complete.

    python scripts/i18n.py todo              list Dutch entries still untranslated or fuzzy
    python scripts/i18n.py apply FILE.json   fill Dutch entries from {"msgid": "msgstr"} pairs
                                             (context as "ctx|msgid"; plurals as a list)
Both commands first make the English catalogue complete: the source strings are English,
so each English entry is its own msgid.
"""

import json
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "dramaturg" / "locale"


def key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def fill_english() -> None:
    po = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            entry.previous_msgctxt = None
    po.save()


def dutch() -> polib.POFile:
    return polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))


def todo() -> None:
    pending = {}
    for entry in dutch():
        if entry.obsolete:
            continue
        missing = not all(entry.msgstr_plural.values()) if entry.msgid_plural else not entry.msgstr
        if missing or "fuzzy" in entry.flags:
            pending[key(entry)] = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else ""
    print(json.dumps(pending, ensure_ascii=False, indent=1))


def apply(path: str) -> None:
    translations = json.loads(Path(path).read_text())
    po = dutch()
    for entry in po:
        value = translations.get(key(entry))
        if value is None:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: value[0], 1: value[1]}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            entry.previous_msgctxt = None
    po.save()


if __name__ == "__main__":
    fill_english()
    if sys.argv[1:2] == ["todo"]:
        todo()
    elif sys.argv[1:2] == ["apply"] and len(sys.argv) == 3:
        apply(sys.argv[2])
    else:
        sys.exit(__doc__)
