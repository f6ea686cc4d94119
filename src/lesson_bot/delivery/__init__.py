"""lesson_bot.delivery"""
