"""lesson_bot: micro party lessons and the 三会一课 routine for party branches on Telegram."""

__version__ = "0.1.0"
