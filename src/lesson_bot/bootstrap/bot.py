"""Running the python-telegram-bot Application: by long polling, or behind the web app's webhook.

In webhook mode the web app runs the bot in its lifespan and feeds it the posted updates; it knows the bot only as
web.app.WebhookBot, which WebhookRunner implements here.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from lesson_bot.bot import webhook, webhook_reply
from lesson_bot.bot.app import ALLOWED_UPDATES, BotApplication, prepare
from lesson_bot.config import Settings
from lesson_bot.web.webhook_endpoint import NotAnUpdate

log = logging.getLogger("lesson_bot")


class PollingRunner:
    """The bot fetching its updates by long polling (development, the demo, the tests, or `run --polling`)."""

    def __init__(self, application: BotApplication, timeout: timedelta, interval: float) -> None:
        self.application = application
        self._timeout = timeout
        self._interval = interval

    async def start(self) -> None:
        """Initialise the bot, publish its menus and load the library, then poll."""
        application = self.application
        await application.initialize()
        try:
            await prepare(application)
            assert application.updater is not None
            await application.updater.start_polling(timeout=self._timeout, poll_interval=self._interval,
                                                    allowed_updates=ALLOWED_UPDATES)
            await application.start()
        except BaseException:
            await application.shutdown()
            raise
        log.info("polling as @%s", application.bot.username)

    def running(self) -> bool:
        """Whether the bot is started and fetching updates (what /healthz reports in polling mode)."""
        updater = self.application.updater
        return self.application.running and updater is not None and updater.running

    async def stop(self) -> None:
        """Stop fetching, let the updates in hand finish, close the bot's connections."""
        application = self.application
        try:
            assert application.updater is not None
            await application.updater.stop()
            await application.stop()
        finally:
            await application.shutdown()


class WebhookRunner:
    """The bot as the web app needs it in webhook mode (web.app.WebhookBot): run in the lifespan, fed per request."""

    def __init__(self, application: BotApplication, settings: Settings) -> None:
        self.application = application
        self._settings = settings

    @property
    def running(self) -> bool:
        return self.application.running

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[None]:
        """Start the bot (menus, library), register the webhook; stop the bot when the web app stops."""
        settings, application = self._settings, self.application
        async with application:
            await prepare(application)
            await application.start()
            if settings.webhook_url:
                await webhook.register_webhook(
                    application, settings.webhook_url,
                    settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
                )
            log.info("webhook mode")
            yield
            await webhook_reply.drain()  # the updates whose handlers outlived their request
            await application.stop()

    async def feed(self, body: bytes) -> dict[str, Any] | None:
        try:
            return await webhook.feed(self.application, body)
        except webhook.NotAnUpdate as exc:
            raise NotAnUpdate(str(exc)) from exc
