"""The one composition root: the only part that knows every concrete class and wires them together.

app.build_app assembles the process: settings -> database -> services (services.py) -> delivery engine (engine.py)
-> bot (bot.py) -> web app; runtime.py runs it on the fastest event loop. (Nothing is imported here, so that
`lesson_bot.bootstrap.runtime` alone stays light for the benchmarks' baselines.)
"""
