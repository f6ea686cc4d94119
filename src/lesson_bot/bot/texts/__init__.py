"""What the bot says, per language. Every user-supplied string is escaped for Telegram's HTML here."""
