"""lesson_bot.bot"""
