"""deploy/compose.yaml, deploy/prometheus.yml and deploy/.env.example, read as docker compose and lesson_bot read
them: only services, volumes, files and variables that exist; every setting in the template, each explained."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from lesson_bot.config import Settings
from tests.support import REPO_ROOT
from tests.support.deploy import COMPOSE, DEPLOY, ENV_EXAMPLE, env_entries, settings_variables

_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:[:?\-+][^}]*)?\}")
OPERATOR_PROVIDED = {"./tls"}  # the TLS certificate and key: the operator's, documented in docs/deploy.md


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _strings(node: object) -> list[str]:
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in [str(key), *_strings(value)]]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return [node] if isinstance(node, str) else []


def test_services_depend_only_on_services_that_exist_and_migrations_run_first() -> None:
    """Every depends_on names a service of the file; the bots wait for the one-shot migrate service to finish, and
    it and they wait for PostgreSQL's health check."""
    services = _compose()["services"]
    assert set(services) == {"postgres", "migrate", "bot", "nginx", "prometheus"}
    for name, service in services.items():
        assert set(service.get("depends_on", {})) <= set(services), name
    assert services["bot"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["bot"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services["migrate"]["entrypoint"] == ["lesson-bot", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    assert services["bot"]["environment"]["LESSON_BOT_DB_UPGRADE_ON_START"] == "false"
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["prometheus"]["profiles"] == ["monitoring"]


def test_the_bot_scales_without_clashing() -> None:
    """`--scale bot=3` works: no fixed container name and no host port on the bot; nginx reaches it by name."""
    bot = _compose()["services"]["bot"]
    assert "container_name" not in bot and "ports" not in bot
    assert bot["expose"] == ["8080"] and bot["environment"]["LESSON_BOT_WEB_PORT"] == "8080"
    nginx = (DEPLOY / "nginx" / "lesson-bot.conf").read_text(encoding="utf-8")
    assert "http://bot:8080" in nginx


def test_volumes_are_declared_and_mounted_files_exist() -> None:
    """A named volume is declared at the top; a mounted file or folder is in deploy/ (the TLS folder excepted,
    which docs/deploy.md tells the operator to fill)."""
    data = _compose()
    declared = set(data["volumes"])
    used = set()
    for name, service in data["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith((".", "/")):
                assert source in OPERATOR_PROVIDED or (DEPLOY / source).exists(), f"{name}: {source}"
            else:
                used.add(source)
        env_file = service.get("env_file")
        if env_file is not None:
            assert env_file == ".env" and ENV_EXAMPLE.exists()  # the operator copies .env.example to .env
    assert used == declared == {"pgdata", "promdata"}
    docs = (REPO_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert all(f"deploy/{path.removeprefix('./')}" in docs for path in OPERATOR_PROVIDED)
    build = data["x-bot"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).is_file()


def test_variables_are_settings_or_in_the_template() -> None:
    """Every LESSON_BOT_* name the compose file sets or interpolates is a setting lesson_bot reads (no typo is
    silently ignored); any other interpolated variable is in .env.example, which compose reads as deploy/.env."""
    known = settings_variables()
    template = {entry.name for entry in env_entries()}
    text = COMPOSE.read_text(encoding="utf-8")
    interpolated = set(_INTERPOLATION.findall(text))
    named = {s for s in _strings(_compose()) if s.startswith("LESSON_BOT_")} | set(
        re.findall(r"\bLESSON_BOT_[A-Z0-9_]+", text))
    assert named and named <= known, named - known
    assert interpolated and interpolated <= template, interpolated - template
    assert {v for v in interpolated if v.startswith("LESSON_BOT_")} <= known


def test_prometheus_scrapes_every_bot_replica() -> None:
    """Prometheus finds the replicas by the bot service's name, on its web port, at /metrics."""
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text(encoding="utf-8"))
    [job] = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    assert job["dns_sd_configs"] == [{"names": ["bot"], "type": "A", "port": 8080, "refresh_interval": "30s"}]


def test_the_template_holds_every_setting_with_a_comment() -> None:
    """.env.example has a line for every setting lesson_bot reads, each under a comment saying what it is, and
    names no LESSON_BOT_* variable that lesson_bot does not read."""
    entries = env_entries()
    names = [entry.name for entry in entries]
    assert len(names) == len(set(names))
    settings = {name for name in names if name.startswith("LESSON_BOT_")}
    assert settings == settings_variables()
    assert set(names) - settings == {"POSTGRES_PASSWORD"}
    for entry in entries:
        assert len(entry.comment) > 20, entry.name


def test_the_templates_values_are_valid_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Filled in with a token (the one blank a bot needs), the template as shipped is a valid configuration."""
    for name in settings_variables():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LESSON_BOT_BOT_TOKEN", "123456:" + "A" * 35)
    monkeypatch.setenv("LESSON_BOT_ADMIN_IDS", "1001,1002")
    settings = Settings(_env_file=ENV_EXAMPLE)
    assert settings.database_url == "sqlite+aiosqlite:////srv/lesson-bot/data/lesson_bot.db"
    assert settings.admin_ids == (1001, 1002) and settings.webhook_url is None
    commented = [e for e in env_entries() if not e.active and e.value and e.name.startswith("LESSON_BOT_")]
    for entry in commented:  # the example values shown commented out are valid too
        monkeypatch.setenv(entry.name, entry.value)
    monkeypatch.setenv("LESSON_BOT_WEBHOOK_SECRET", "s3cret_token-1")
    monkeypatch.setenv("LESSON_BOT_SESSION_SECRET", "x" * 48)
    monkeypatch.setenv("LESSON_BOT_MEETING_TYPES_FILE", str(tmp_path / "types.yaml"))
    assert Settings(_env_file=ENV_EXAMPLE).public_url == "https://party.example.org"
