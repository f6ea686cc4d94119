"""lesson_bot.sandbox"""
