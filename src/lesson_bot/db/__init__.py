"""lesson_bot.db"""
