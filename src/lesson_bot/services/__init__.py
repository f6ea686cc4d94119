"""lesson_bot.services"""
