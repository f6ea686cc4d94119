#!/usr/bin/env bash
# Re-extract the UI messages from the code and merge them into both catalogs (new ones arrive untranslated;
# tests/unit/test_i18n.py fails until every message has both its zh-Hans and its en text).
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=.venv/bin/pybabel
LOCALES=src/lesson_bot/locale
"$PYBABEL" extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 -k pgettext:1c,2 -k NP_:1c,2 --no-location --sort-output \
    --project lesson_bot --copyright-holder "lesson_bot" -o "$LOCALES/messages.pot" src/lesson_bot
for locale in zh_Hans en; do
    po="$LOCALES/$locale/LC_MESSAGES/messages.po"
    if [ -f "$po" ]; then
        "$PYBABEL" update --no-fuzzy-matching --ignore-obsolete -i "$LOCALES/messages.pot" -d "$LOCALES" -l "$locale"
    else
        "$PYBABEL" init -i "$LOCALES/messages.pot" -d "$LOCALES" -l "$locale"
    fi
done
