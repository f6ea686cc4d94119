#!/usr/bin/env bash
# One command that sets up and runs every check on a fresh machine:
#   a virtual environment in .venv, the package with its dev extra, PostgreSQL if it is down, chromium for the
#   dashboard's browser tests if it is missing,
#   then ruff, mypy (strict, on src/, tests/ and benchmarks/, as pyproject.toml lists them) and the whole
#   pytest suite (SQLite and PostgreSQL). The shared test harness is the package tests/support/.
# Extra arguments go to pytest, e.g. `scripts/test.sh -k sandbox`.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/venv.sh
. scripts/venv.sh "[dev]"

# PostgreSQL: the PostgreSQL tests need a server on 127.0.0.1:5432; start the local cluster if it is down.
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
        echo "starting PostgreSQL"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
        for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
    fi
fi

# The dashboard's browser tests drive Debian's chromium through its chromedriver (tests/web): install them when
# missing, as root with apt-get (CI runs as root on this image; elsewhere install them yourself).
if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; } && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium and chromium-driver"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# tests/deploy checks the systemd unit with systemd-analyze and the nginx snippet with `nginx -t` (Debian's systemd,
# nginx-light and openssl; a container may lack them). nginx is only run as `nginx -t`, never as a server.
deploy_tools=()
command -v systemd-analyze >/dev/null 2>&1 || deploy_tools+=(systemd)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || deploy_tools+=(nginx-light)
command -v openssl >/dev/null 2>&1 || deploy_tools+=(openssl)
if [ "${#deploy_tools[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${deploy_tools[*]} (for tests/deploy)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${deploy_tools[@]}" >/dev/null
    # Where no policy-rc.d holds services back, the package starts nginx: the tests need only its binary.
    if [ -s /run/nginx.pid ]; then nginx -s quit || true; fi
fi

echo "== ruff"
.venv/bin/ruff check src tests benchmarks
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
.venv/bin/pytest "$@"
