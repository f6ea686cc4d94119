"""Fill catalog entries from a JSON file of translations (run after scripts/i18n.sh has merged the new msgids).

The file maps each English msgid to {"zh": "...", "en": "..."} ("en" defaults to the msgid itself); a plural
entry maps the singular msgid to {"zh": ["..."], "en": ["one", "many"]}. Only entries present in the catalogs are
written; the ones the file names that the catalogs lack are listed, so a typo does not pass silently.

    flock /tmp/i18n.lock bash -c 'scripts/i18n.sh && .venv/bin/python scripts/i18n_fill.py my_texts.json'
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "src" / "lesson_bot" / "locale"
TARGETS = {"zh_Hans": "zh", "en": "en"}


def main(path: str) -> int:
    wanted: dict[str, dict[str, object]] = json.loads(Path(path).read_text(encoding="utf-8"))
    unknown = set(wanted)
    for locale, key in TARGETS.items():
        po = LOCALES / locale / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as fp:
            catalog = read_po(fp, locale=locale)
        for message in catalog:
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            if not msgid or msgid not in wanted:
                continue
            unknown.discard(msgid)
            value = wanted[msgid].get(key)
            if value is None and key == "en":
                value = list(message.id) if isinstance(message.id, tuple) else msgid
            if value is None:
                continue
            if isinstance(message.id, tuple):
                message.string = tuple(value) if isinstance(value, list) else (str(value),)
            else:
                message.string = str(value)
        with po.open("wb") as fp:
            write_po(fp, catalog, width=0, sort_output=True, include_previous=False)
    for msgid in sorted(unknown):
        print(f"not in the catalogs (run scripts/i18n.sh first?): {msgid!r}", file=sys.stderr)
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
