"""Why the bot could not start, as one line for the operator: what is wrong and what to do, never the token.

python-telegram-bot's own messages quote the token (InvalidToken: "The token `123:ABC` was rejected"), so they
are never shown as they are.
"""

from __future__ import annotations

from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut

from lesson_bot.config import ENV_PREFIX

TOKEN_VARIABLE = f"{ENV_PREFIX}BOT_TOKEN"
URL_VARIABLE = f"{ENV_PREFIX}BOT_API_BASE_URL"
REASON_MAX = 120


def bot_api_problem(exc: BaseException, api_root: str, token: str) -> str | None:
    """One line for a failure to reach or to be accepted by the Bot API server; None for any other failure.
    The token is never in it, even where the configured URL itself carries it (".../bot<token>")."""
    if token:
        api_root = api_root.replace(token, "[redacted]")
    if isinstance(exc, InvalidToken):
        return (f"the Bot API server at {api_root} rejected {TOKEN_VARIABLE}: check the token with @BotFather "
                f"(and that {URL_VARIABLE} is the server's root, without /bot)")
    if isinstance(exc, TimedOut):
        return (f"the Bot API server at {api_root} did not answer in time: check {URL_VARIABLE}, the network and any "
                "proxy, then start again")
    if isinstance(exc, NetworkError):
        reason = str(exc.message).replace(token, "[redacted]") if token else str(exc.message)
        if len(reason) > REASON_MAX:  # python-telegram-bot quotes the server's whole answer (a web page, say)
            reason = reason[:REASON_MAX].rstrip() + "…"
        return (f"cannot reach the Bot API server at {api_root} ({reason}): check {URL_VARIABLE} and the network, "
                "then start again")
    if isinstance(exc, TelegramError) and exc.message == "Invalid server response":
        return (f"the server at {api_root} did not answer as a Bot API server: set {URL_VARIABLE} to its root "
                "(https://api.telegram.org, or your own server's), without /bot")
    return None
