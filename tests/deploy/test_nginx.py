"""deploy/nginx/lesson-bot.conf as nginx reads it (`nginx -t`), with a throw-away certificate in place of the
operator's; and its webhook location is the path the documentation tells the operator to use."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import REPO_ROOT
from tests.support.db import IN_CI
from tests.support.deploy import DEPLOY, env_entries

TIMEOUT = 60
CONF = DEPLOY / "nginx" / "lesson-bot.conf"


def _tool(name: str, package: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        if IN_CI:
            pytest.fail(f"{name} is not installed (Debian: {package}; scripts/test.sh installs it)")
        pytest.skip(f"{name} is not installed (Debian: {package})")
    return found


def test_nginx_accepts_the_snippet(tmp_path: Path) -> None:
    """`nginx -t` accepts the server blocks inside a minimal http block, TLS files and all."""
    nginx, openssl = _tool("nginx", "nginx-light"), _tool("openssl", "openssl")
    tls = tmp_path / "tls"
    tls.mkdir()
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(tls / "privkey.pem"), "-out", str(tls / "fullchain.pem")],
                   check=True, capture_output=True, timeout=TIMEOUT)
    site = tmp_path / "site.conf"
    site.write_text(CONF.read_text(encoding="utf-8").replace("/etc/nginx/tls/", f"{tls}/"), encoding="utf-8")
    (tmp_path / "logs").mkdir()
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
                    f"http {{\n    access_log off;\n    include {site};\n}}\n", encoding="utf-8")
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True,
                            timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_webhook_location_matches_the_documented_url() -> None:
    """The webhook's location is the path of the webhook URL the template and docs/deploy.md show, and it passes
    Telegram's secret header through."""
    text = CONF.read_text(encoding="utf-8")
    [example] = [e.value for e in env_entries() if e.name == "LESSON_BOT_WEBHOOK_URL"]
    path = "/" + example.split("://", 1)[1].split("/", 1)[1]
    assert f"location = {path} {{" in text
    assert "proxy_set_header X-Telegram-Bot-Api-Secret-Token $http_x_telegram_bot_api_secret_token;" in text
    assert f"https://your.host{path}" in (REPO_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert "location = /metrics { deny all; }" in text
