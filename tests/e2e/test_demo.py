"""`lesson-bot demo` as a real process: Ctrl-C ends it at once, even while it waits for the lesson's minute; a port
in use ends it with one line naming the flag; its narration speaks Chinese unless --lang en."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO_ROOT
from tests.support.procs import wait_until

TIMEOUT = 120  # generous: the machine is shared; the demo waits up to ~2 minutes for its lesson otherwise


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LESSON_BOT_")}
    env["COLUMNS"] = "250"
    return env


@pytest.mark.slow
def test_ctrl_c_stops_the_demo_while_it_waits_for_the_lesson(tmp_path: Path) -> None:
    """SIGINT while the engine's lesson minute is still ahead: the demo says it stops, and the process ends (status
    130) without a traceback; the narration up to then was in Chinese."""
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "lesson_bot", "demo", "--port", "0", "--no-dashboard"],
                                env=_env(), cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: "最多等待" in log.read_text(errors="replace"), "the wait for the lesson's minute",
                       timeout=TIMEOUT)
            proc.send_signal(signal.SIGINT)
            code = proc.wait(timeout=TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    said = log.read_text(errors="replace")
    assert code == 130, said
    assert "Ctrl-C：正在停止演示……" in said and said.rstrip().endswith("演示已停止。"), said
    assert "7. 群内 /schedule：按钮选课，再输入时间" in said and "8. 课程送达群内" not in said
    assert "Traceback" not in said


def test_a_port_in_use_ends_the_demo_with_one_line_naming_the_flag() -> None:
    """With --port taken by another program the demo exits with status 2 and one line naming --port; the same for
    the dashboard's port and --dashboard-port; in English with --lang en."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = str(taken.getsockname()[1])
        result = subprocess.run([sys.executable, "-m", "lesson_bot", "demo", "--once", "--port", port], env=_env(),
                                cwd=REPO_ROOT, capture_output=True, text=True, timeout=TIMEOUT)
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr.strip().splitlines() == [
            f"端口 {port} 已被占用（另一个演示或程序？）：请用 --port 另选端口，或用 --port 0 任选空闲端口。"]
        dashboard = subprocess.run([sys.executable, "-m", "lesson_bot", "demo", "--once", "--port", "0",
                                    "--dashboard-port", port, "--lang", "en"], env=_env(), cwd=REPO_ROOT,
                                   capture_output=True, text=True, timeout=TIMEOUT)
    assert dashboard.returncode == 2, dashboard.stdout + dashboard.stderr
    assert dashboard.stderr.strip() == (f"Port {port} is in use (another demo or program?): choose another with "
                                        "--dashboard-port, or --dashboard-port 0 for any free port.")
