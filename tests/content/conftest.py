"""Fixtures of the content tests: a content folder in tmp_path, used as the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.content import Library


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    """content/lessons and content/media (holding the base lesson's map.png); problems print relative paths."""
    monkeypatch.chdir(tmp_path)
    lib = Library(tmp_path / "content")
    lib.lessons.mkdir(parents=True)
    lib.media.mkdir()
    (lib.media / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a picture")
    return lib
