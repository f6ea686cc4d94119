"""The committee's web dashboard: login through Telegram, role-checked pages, server-rendered."""
