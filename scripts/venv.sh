# Sourced by the scripts: a virtual environment in .venv with lesson_bot installed (extras in $1, e.g. "[dev]").
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${1:-}"
# The charts draw Chinese labels: they need a CJK font (reports/fonts.py). Install Debian's small one if none is
# there; fontconfig knows (a fresh container may lack fc-list itself: then look for the font files).
cjk_font_present() {
    if command -v fc-list >/dev/null 2>&1; then
        [ -n "$(fc-list :lang=zh family 2>/dev/null | head -n 1)" ]
    else
        [ "$(uname -s)" != Linux ] || [ -n "$(find /usr/share/fonts /usr/local/share/fonts -iname 'wqy*' -o \
            -iname '*cjk*' -o -iname '*sourcehansans*' 2>/dev/null | head -n 1)" ]
    fi
}
if ! cjk_font_present; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei; } \
            >/dev/null 2>&1 || echo "could not install fonts-wqy-microhei: the charts need a Chinese font" >&2
    else
        echo "no Chinese font found: install fonts-wqy-microhei (or fonts-noto-cjk) for the charts" >&2
    fi
fi
