"""What an operator sees of a running `lesson-bot run` (webhook mode, a real process against a sandbox process):
/readyz, /metrics behind its bearer token, one JSON log line per update, and never a secret or a private
message's text in the logs, however verbose (docs/operations.md)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support import REPO_ROOT
from tgsandbox import SyncControlClient

TIMEOUT = 60
START_TIMEOUT = 240  # a first start migrates and loads the library: minutes on a machine shared by many runs
POLL_S = 0.05
PRIVATE_TEXT = "我的私事 private-words-7f3a"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sandbox() -> Iterator[dict[str, Any]]:
    """A standalone sandbox process; its announcement line."""
    proc = subprocess.Popen([sys.executable, "-m", "tgsandbox", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield json.loads(proc.stdout.readline())
    finally:
        proc.terminate()
        proc.wait(timeout=TIMEOUT)
        if proc.stdout is not None:
            proc.stdout.close()


def _wait_until(check: Any, what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(POLL_S)


def _ready(url: str) -> bool:
    try:
        return httpx.get(url).status_code == 200
    except httpx.TransportError:
        return False


def _updates_counted(metrics_url: str, token: str) -> dict[tuple[str, str], float]:
    text = httpx.get(metrics_url, headers={"Authorization": f"Bearer {token}"}).text
    return {(s.labels["kind"], s.labels["outcome"]): s.value
            for family in text_string_to_metric_families(text) if family.name == "lesson_bot_updates"
            for s in family.samples if s.name == "lesson_bot_updates_total"}


def _conversation(control: SyncControlClient) -> int:
    """A member starts the bot, twice opens /lang and taps a language, writes something private and asks for
    /help; the member's id once the bot has answered the last."""
    user = int(control.create_user("Zhou", username="zhou", language_code="zh-hans")["id"])
    control.start(user)
    control.wait_bot_messages(user, after=0, timeout=TIMEOUT)
    for _ in range(2):
        sent = control.send(user, user, "/lang")
        [menu] = control.wait_bot_messages(user, after=sent["message_id"], timeout=TIMEOUT)["message_ids"]
        message = next(m for m in control.transcript(user)["messages"] if m["message_id"] == menu)
        data = message["buttons"][0][0]["callback_data"]
        query = control.press(user, menu, user, data=data)["callback_query_id"]
        control.wait_callback_answered(query, timeout=TIMEOUT)
    control.send(user, user, PRIVATE_TEXT)
    sent = control.send(user, user, "/help")
    control.wait_bot_messages(user, after=sent["message_id"], timeout=TIMEOUT)
    return user


def test_readiness_metrics_and_logs_of_a_webhook_run(sandbox: dict[str, Any], tmp_path: Path) -> None:
    """/readyz says ready and leading; /metrics refuses a scrape without the token and counts each update by kind;
    each update has one JSON log line with its ids and handler; the token, the webhook secret, the metrics token
    and the private message's text appear nowhere in the whole run's output, even at DEBUG."""
    port = _free_port()
    webhook_secret, metrics_token = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LESSON_BOT_")}
    env.update({
        "LESSON_BOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'service.db'}",
        "LESSON_BOT_BOT_TOKEN": sandbox["token"],
        "LESSON_BOT_BOT_API_BASE_URL": sandbox["base_url"].removesuffix("/bot"),
        "LESSON_BOT_CONTENT_DIR": str(REPO_ROOT / "content"),
        "LESSON_BOT_WEB_PORT": str(port),
        "LESSON_BOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
        "LESSON_BOT_WEBHOOK_SECRET": webhook_secret,
        "LESSON_BOT_METRICS_TOKEN": metrics_token,
        "LESSON_BOT_LOG_FORMAT": "json",
        "LESSON_BOT_LOG_LEVEL": "DEBUG",
    })
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen([sys.executable, "-m", "lesson_bot", "run"], env=env, cwd=tmp_path,
                                stdout=log_file, stderr=subprocess.STDOUT)
        control = SyncControlClient(sandbox["control_url"])
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until(lambda: proc.poll() is None and _ready(f"{base}/readyz"), "/readyz to answer 200",
                        START_TIMEOUT)
            assert httpx.get(f"{base}/readyz").json() == {
                "ready": True, "database": "ok", "migrations": "head", "bot": True, "leader": True,
                "stopping": False}
            user = _conversation(control)
            assert httpx.get(f"{base}/metrics").status_code == 401
            expected = {("command", "ok"): 4.0, ("callback_query", "ok"): 2.0, ("message", "ok"): 1.0}
            _wait_until(lambda: _updates_counted(f"{base}/metrics", metrics_token) == expected,
                        f"/metrics to count {expected}")
        finally:
            control.close()
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=TIMEOUT)
    out = log_path.read_text()
    assert proc.returncode == 0, out
    for secret in (sandbox["token"], webhook_secret, metrics_token, PRIVATE_TEXT, "private-words"):
        assert secret not in out
    lines = [json.loads(line) for line in out.splitlines()]  # every line is one JSON object
    handled = [line for line in lines if line["logger"] == "lesson_bot.updates"]
    assert [u["kind"] for u in handled] == ["command", "command", "callback_query", "command", "callback_query",
                                            "message", "command"]
    assert {(u["user_id"], u["chat_id"], u["outcome"]) for u in handled} == {(user, user, "ok")}
    assert handled[0]["handler"] == "private.cmd_start" and handled[2]["handler"] == "private.on_lang_button"
    assert len({u["update_id"] for u in handled}) == 7
    assert any("SIGTERM: stopping" in line["message"] for line in lines)


# A process whose orderly stop never finishes (what a hung send or handler would look like), stopped the way
# `lesson-bot run` is (bootstrap/shutdown.py).
HANGING_STOP = """
import asyncio, logging, sys
from lesson_bot.bootstrap.shutdown import Shutdown
logging.basicConfig(level="INFO")
async def main():
    shutdown = Shutdown(bound_s=float(sys.argv[1]))
    with shutdown.signals():
        print("running", flush=True)
        await shutdown.requested.wait()
        print("stopping", flush=True)
        await asyncio.Event().wait()
asyncio.run(main())
"""


def _hanging(bound_s: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HANGING_STOP, str(bound_s)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "running\n"
    return proc


def test_a_second_sigterm_ends_a_stop_that_hangs_at_once() -> None:
    """The first SIGTERM begins the orderly stop; a second one, while it is still under way, exits at once."""
    proc = _hanging(bound_s=3600)
    proc.send_signal(signal.SIGTERM)
    assert proc.stdout is not None and proc.stdout.readline() == "stopping\n"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 128 + signal.SIGTERM
    assert "SIGTERM: stopping (at most 3600 s; send it again to exit at once)" in err
    assert "SIGTERM again: exiting now" in err


def test_a_stop_that_outlasts_its_bound_ends_the_process() -> None:
    """A stop still under way when the bound runs out ends the process with status 1, saying so."""
    proc = _hanging(bound_s=0.1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 1
    assert "the stop took longer than 0.1 s: exiting now" in err
