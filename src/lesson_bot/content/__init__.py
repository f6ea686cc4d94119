"""lesson_bot.content"""
