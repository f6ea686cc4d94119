"""`lesson-bot run` and `lesson-bot demo` as real processes, against a standalone sandbox process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import REPO_ROOT
from tgsandbox import SyncControlClient

TIMEOUT = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sandbox() -> Iterator[dict[str, Any]]:
    """A standalone sandbox process (flood limits on, as Telegram); its announcement line."""
    proc = subprocess.Popen([sys.executable, "-m", "tgsandbox", "--port", "0"], stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        yield info
    finally:
        proc.terminate()
        proc.wait(timeout=TIMEOUT)
        if proc.stdout is not None:
            proc.stdout.close()


def _service(sandbox: dict[str, Any], tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "LESSON_BOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'service.db'}",
        "LESSON_BOT_BOT_TOKEN": sandbox["token"],
        "LESSON_BOT_BOT_API_BASE_URL": sandbox["base_url"].removesuffix("/bot"),
        "LESSON_BOT_CONTENT_DIR": str(REPO_ROOT / "content"),
        "LESSON_BOT_WEB_PORT": str(_free_port()),
        **{f"LESSON_BOT_{k.upper()}": v for k, v in env.items()},
    }
    return subprocess.Popen([sys.executable, "-m", "lesson_bot", "run"], env=environment, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _conversation(control: SyncControlClient) -> str:
    """A person starts the bot and asks for help; the bot's answer."""
    user = control.create_user("Zhou", username="zhou", language_code="zh-hans")["id"]
    control.start(user)
    control.wait_bot_messages(user, after=0, timeout=TIMEOUT)
    sent = control.send(user, user, "/help")
    [reply] = control.wait_bot_messages(user, after=sent["message_id"], timeout=TIMEOUT)["message_ids"]
    return str(next(m for m in control.transcript(user)["messages"] if m["message_id"] == reply)["text"])


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 0, out
    return out


def test_run_in_polling_mode_answers_and_stops_cleanly_on_sigterm(sandbox: dict[str, Any], tmp_path: Path) -> None:
    """The service migrates its database, loads the lessons, answers in polling mode, says so on /healthz (the bot
    is up), and exits 0 on SIGTERM."""
    port = _free_port()
    proc = _service(sandbox, tmp_path, web_port=str(port))
    control = SyncControlClient(sandbox["control_url"])
    try:
        assert _conversation(control).startswith("我能为你做什么")
        health = httpx.get(f"http://127.0.0.1:{port}/healthz").json()
        assert health == {"ok": True, "database": "ok", "bot": True}
    finally:
        control.close()
        out = _stop(proc)
    assert "Traceback" not in out
    assert (tmp_path / "service.db").exists()


def test_run_in_webhook_mode_checks_the_secret_token(sandbox: dict[str, Any], tmp_path: Path) -> None:
    """In webhook mode Telegram's pushes (with the secret) are answered; a post without the secret gets 403."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    proc = _service(sandbox, tmp_path, web_port=str(port), webhook_url=url, webhook_secret="s3cret_token-1")
    control = SyncControlClient(sandbox["control_url"])
    try:
        assert _conversation(control).startswith("我能为你做什么")
        forged = httpx.post(url, json={"update_id": 1}, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
        assert forged.status_code == 403
        assert httpx.post(url, json={"update_id": 1}).status_code == 403
        health = httpx.get(f"http://127.0.0.1:{port}/healthz").json()
        assert health == {"ok": True, "database": "ok", "bot": True}
    finally:
        control.close()
        _stop(proc)


def test_run_without_a_token_says_what_to_do(tmp_path: Path) -> None:
    """Without a bot token the service refuses to start with one line saying where to get one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LESSON_BOT_")}
    result = subprocess.run([sys.executable, "-m", "lesson_bot", "run"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 2
    assert "LESSON_BOT_BOT_TOKEN is not set" in result.stderr and "@BotFather" in result.stderr


def test_a_webhook_url_without_a_secret_is_refused_at_start(tmp_path: Path) -> None:
    """Webhook mode without a secret token would accept forged updates: start-up stops and says so."""
    env = {**os.environ, "LESSON_BOT_WEBHOOK_URL": "https://bot.example.org/hook"}
    env.pop("LESSON_BOT_WEBHOOK_SECRET", None)
    result = subprocess.run([sys.executable, "-m", "lesson_bot", "run"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 2
    assert "LESSON_BOT_WEBHOOK_SECRET: required when LESSON_BOT_WEBHOOK_URL is set" in result.stderr


@pytest.mark.slow
def test_the_demo_plays_its_walk_through_without_a_token(tmp_path: Path) -> None:
    """`lesson-bot demo --once` needs no token or network: a branch is registered and its roster shown; a lesson
    scheduled by /schedule is delivered by the engine a minute later, two members check in and answer (the count
    follows), /progress and /me show it, a third member makes it up in private; a meeting is called, 参加 and 请假
    answered and the leave approved; 签到 at a meeting about to start; the ids and control-API examples for acting
    afterwards; then the demo exits cleanly. With --lang en the narration is English (the bot speaks Chinese)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LESSON_BOT_")}
    env["COLUMNS"] = "250"  # Rich wraps at the terminal's width: one chat line stays one printed line
    # The lesson is scheduled for the minute 30 to 90 s ahead, on the real clock.
    result = subprocess.run([sys.executable, "-m", "lesson_bot", "demo", "--once", "--port", "0", "--lang", "en"],
                            env=env,
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=TIMEOUT * 5)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "本群已登记为党支部 消防救援站第一党支部" in out
    assert "名册导入：新增 0 人，更新 2 人" in out and "第 4 行，Telegram：为空" in out
    assert "消防救援站第一党支部 名册：共 4 人" in out and "你已加入支部“消防救援站第一党支部”的名册。" in out
    # 7-8: scheduled for a typed time, delivered by the engine with its button and quiz polls, two check-ins.
    assert "✅ 已排课（#1）：中共一大：开天辟地的大事变" in out
    delivered = out[out.index("8. The lesson arrives in the group"):]
    assert "🤖 bot: 中共一大：开天辟地的大事变" in delivered and " ✅ 已学习 " in delivered
    assert "📊 1921年7月，中国共产党第一次全国代表大会在哪座城市开幕？  (quiz poll)" in delivered
    assert "toast: ✅ 已记录：你已学习本课（目前 1/4）。" in delivered
    assert "toast: ✅ 已记录：你已学习本课（目前 2/4）。" in delivered
    assert "王芳 answers “广州”  (✗ wrong)" in delivered and "张伟 answers “上海”  (✓ right)" in delivered
    assert " ✅ 已学习 2/4 " in delivered  # the live count on the button, edited by the engine
    # 9-10: /progress, /me, and 补学 in private.
    assert "已学习：2/4（按时 2，补学 0）" in out and "答对 1/2；选错最多：“广州”（1 人）" in out
    assert "课程：共发 1 课，按时学习 1，补学 0，未学 0" in out
    assert "toast: ✅ 已记录：你已学习本课（目前 1/1）。" in out and "已学习：3/4（按时 2，补学 1）" in out
    # 11-12: the meeting's notice in the group, 参加, and a 请假 approved by the secretary.
    assert "[群] 🤖 bot: 📣 会议通知" in out and "toast: 已记录：你将参加。" in out
    assert "[私聊 李明] 🤖 bot: ✅ 已批准：张伟 请假。" in out and "✅ 李明 已批准你本次会议的请假" in out
    # 13: 签到 shown, not told: the engine opens it in the group, two members sign in, /attendance shows it.
    signing = out[out.index("13. 签到"):]
    assert "[群] 🤖 bot: ✍️ 签到开始" in signing and signing.count("toast: ✅ 签到成功，按时到会。") == 2
    assert "more lines in the chat" not in out  # messages are shown whole
    # The ids and the control API, for acting afterwards.
    assert "The group (the branch): chat id -100" in out and "(secretary): user id" in out
    assert "curl -s -X POST http://127.0.0.1:" in out and '"text": "/me"' in out
    assert "ERROR" not in result.stderr and "Traceback" not in result.stderr, result.stderr
