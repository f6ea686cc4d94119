"""lesson_bot.reports"""
