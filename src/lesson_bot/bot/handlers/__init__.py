"""Handlers per audience. Each module exposes handlers(); bot.app registers them in one ordered place."""
