"""Telegram Bot API rules as pure data and code (limits, the HTML parse mode), shared by lesson_bot and tgsandbox."""
