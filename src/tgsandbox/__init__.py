"""A local Telegram Bot API server with Telegram's limits and errors, and a control API playing the users.

Point python-telegram-bot at it with `ApplicationBuilder().base_url(sb.base_url).base_file_url(
sb.base_file_url)`; drive the people with `sb.control`. See `run_sandbox`.
"""

from tgsandbox.app import Sandbox, run_sandbox, serve_forever
from tgsandbox.client import ControlApiError, ControlClient, SyncControlClient

__all__ = ["ControlApiError", "ControlClient", "Sandbox", "SyncControlClient", "run_sandbox", "serve_forever"]
