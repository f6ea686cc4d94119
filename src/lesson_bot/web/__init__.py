"""lesson_bot.web"""
