"""Pure rules: no Telegram, no SQLAlchemy, no I/O, no clock."""
