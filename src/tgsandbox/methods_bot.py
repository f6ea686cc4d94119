"""Bot-level methods: getMe, getUpdates, webhooks and the command menu."""

from __future__ import annotations

import re
from typing import Any

from tgrules.limits import GET_UPDATES_LIMIT_MAX, WEBHOOK_SECRET_MAX
from tgsandbox.errors import bad_request, conflict
from tgsandbox.objects import me_json
from tgsandbox.params import Params
from tgsandbox.registry import method
from tgsandbox.state import SandboxState, WebhookConfig

_SECRET = re.compile(r"[A-Za-z0-9_-]+")
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_MAX_COMMANDS = 100


@method("getMe")
async def get_me(state: SandboxState, params: Params) -> Any:
    """The bot's own User."""
    return me_json(state)


@method("getUpdates")
async def get_updates(state: SandboxState, params: Params) -> Any:
    """Long polling; refused while a webhook is set, as Telegram does."""
    if state.webhook is not None:
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    allowed = params.json("allowed_updates")
    if allowed is not None and not isinstance(allowed, list):
        raise bad_request("can't parse allowed_updates JSON array")
    limit = params.integer("limit", default=GET_UPDATES_LIMIT_MAX) or GET_UPDATES_LIMIT_MAX
    return await state.updates.get_updates(
        params.integer("offset"), limit, params.number("timeout", 0.0), allowed
    )


@method("setWebhook")
async def set_webhook(state: SandboxState, params: Params) -> Any:
    """Set (or, with an empty url, remove) the webhook that updates are pushed to."""
    url = params.string("url") or ""
    if not url:
        state.webhook = None
        state.updates.arrived.fire()
        return True
    # Telegram insists on HTTPS on ports 443/80/88/8443; a local sandbox must accept plain local HTTP.
    if not url.lower().startswith(("http://", "https://")):
        raise bad_request("bad webhook: HTTPS url must be provided for webhook")
    secret = params.string("secret_token") or None  # an empty token means none, as in Telegram
    if secret is not None and len(secret) > WEBHOOK_SECRET_MAX:
        raise bad_request("secret token is too long")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = params.integer("max_connections", default=40) or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = params.json("allowed_updates")
    if allowed is not None and not isinstance(allowed, list):
        raise bad_request("can't parse allowed_updates JSON array")
    state.updates.set_allowed(allowed)
    if params.boolean("drop_pending_updates"):
        state.updates.clear()
    state.webhook = WebhookConfig(
        url=url,
        secret_token=secret,
        max_connections=max_connections,
        ip_address=params.string("ip_address"),
        has_custom_certificate=params.has("certificate"),
    )
    state.updates.arrived.fire()
    return True


@method("deleteWebhook")
async def delete_webhook(state: SandboxState, params: Params) -> Any:
    """Remove the webhook; drop_pending_updates forgets what was queued."""
    state.webhook = None
    if params.boolean("drop_pending_updates"):
        state.updates.clear()
    state.updates.arrived.fire()
    return True


@method("getWebhookInfo")
async def get_webhook_info(state: SandboxState, params: Params) -> Any:
    """WebhookInfo, including the last delivery error."""
    hook = state.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": bool(hook and hook.has_custom_certificate),
        "pending_update_count": len(state.updates),
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        if hook.ip_address:
            info["ip_address"] = hook.ip_address
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
        if state.updates.allowed is not None:
            info["allowed_updates"] = sorted(state.updates.allowed)
    return info


def _scope_key(params: Params) -> str:
    scope = params.json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise bad_request("can't parse BotCommandScope JSON object")
    language = params.string("language_code") or ""
    return f"{scope['type']}:{scope.get('chat_id', '')}:{scope.get('user_id', '')}:{language}"


@method("setMyCommands")
async def set_my_commands(state: SandboxState, params: Params) -> Any:
    """Store the command menu for a scope and language."""
    commands = params.json("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > _MAX_COMMANDS:
        raise bad_request("too many commands specified")
    checked: list[dict[str, str]] = []
    for entry in commands:
        if not isinstance(entry, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command, description = str(entry.get("command", "")), str(entry.get("description", ""))
        if not _COMMAND.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": command, "description": description})
    state.commands[_scope_key(params)] = checked
    return True


@method("getMyCommands")
async def get_my_commands(state: SandboxState, params: Params) -> Any:
    """The command menu for a scope and language."""
    return state.commands.get(_scope_key(params), [])


@method("deleteMyCommands")
async def delete_my_commands(state: SandboxState, params: Params) -> Any:
    """Forget the command menu for a scope and language."""
    state.commands.pop(_scope_key(params), None)
    return True
