"""`python -m tgsandbox --port P --token T [--time-scale X] [--no-flood]`: a standalone sandbox."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Callable

from tgsandbox.app import serve_forever
from tgsandbox.limits import FloodConfig


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m tgsandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=None, help="the bot token to accept; a fresh one by default")
    parser.add_argument("--time-scale", type=float, default=1.0, help="shrink flood windows by this factor")
    parser.add_argument("--no-flood", action="store_true", help="turn flood limits off")
    args = parser.parse_args(argv)
    flood = FloodConfig(enabled=not args.no_flood, time_scale=args.time_scale)
    with contextlib.suppress(KeyboardInterrupt):
        # uvloop when it is there: a standalone sandbox stands in for Telegram under load tests.
        runner = asyncio.Runner(loop_factory=_loop_factory())
        with runner:
            runner.run(serve_forever(args.port, token=args.token, flood=flood))


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


if __name__ == "__main__":
    main()
