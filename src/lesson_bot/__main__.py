from lesson_bot.cli import main

main()
