"""The shared test harness: clocks, databases, the sandbox, the bot, the engine's parts and scripted branches.

Test modules import from here, never from one another or from a conftest; fixtures stay in the conftest files.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
