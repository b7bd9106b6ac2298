"""The ``koa`` command (also ``python -m koa.core``)::

koa serve module:app [--host H] [--port P] [--workers N] [--reuse-port]
                     [--reload] [--loop auto|asyncio|uvloop] [--access-log]
                     [--shutdown-timeout S]
                     [--headers-timeout S] [--request-timeout S]
                     [--keepalive-timeout S] [--max-connections N]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._loading import load_app

__all__ = ["load_app", "main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``koa`` console script."""
    from ._loops import LOOPS, loop_factory
    from ._server import HEADERS_TIMEOUT, KEEPALIVE_TIMEOUT, REQUEST_TIMEOUT
    from ._supervisor import ServeOptions, serve

    parser = argparse.ArgumentParser(prog="koa", description="Serve Koa for Python apps.")
    commands = parser.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser("serve", help="serve module:app over HTTP")
    cmd.add_argument("app", help="the app, as module:attribute (attribute defaults to app)")
    cmd.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    cmd.add_argument("--port", type=int, default=3000, help="port to bind (default 3000)")
    cmd.add_argument("--workers", type=int, default=1, help="processes sharing the port")
    cmd.add_argument(
        "--reuse-port",
        action="store_true",
        help="with --workers: one SO_REUSEPORT socket per worker instead of a shared one",
    )
    cmd.add_argument("--reload", action="store_true", help="restart on code changes (watchfiles)")
    cmd.add_argument(
        "--loop",
        choices=LOOPS,
        default="auto",
        help="event loop: uvloop when installed (auto, the default), asyncio or uvloop",
    )
    cmd.add_argument("--uvloop", action="store_true", help="the same as --loop uvloop")
    cmd.add_argument("--access-log", action="store_true", help="log every request to stderr")
    cmd.add_argument(
        "--shutdown-timeout",
        type=float,
        default=10.0,
        help="seconds requests in flight get to finish on SIGTERM (default 10)",
    )
    cmd.add_argument(
        "--headers-timeout",
        type=float,
        default=HEADERS_TIMEOUT,
        help="seconds a client gets to send a request's headers (default 60)",
    )
    cmd.add_argument(
        "--request-timeout",
        type=float,
        default=REQUEST_TIMEOUT,
        help="seconds a client gets to send a whole request, body included (default 300)",
    )
    cmd.add_argument(
        "--keepalive-timeout",
        type=float,
        default=KEEPALIVE_TIMEOUT,
        help="seconds an idle connection is kept open (default 5)",
    )
    cmd.add_argument(
        "--max-connections",
        type=int,
        default=None,
        help="connections served at once per process; more get a 503 "
        "(default: from the open-files limit)",
    )
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(args_list)
    loop = "uvloop" if args.uvloop else args.loop
    try:
        loop_factory(loop)
    except RuntimeError as error:
        parser.error(str(error))
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    for name in ("headers_timeout", "request_timeout", "keepalive_timeout", "max_connections"):
        value = getattr(args, name)
        if value is not None and not value > 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    options = ServeOptions(
        target=args.app,
        host=args.host,
        port=args.port,
        workers=args.workers,
        reload=args.reload,
        loop=loop,
        access_log=args.access_log,
        shutdown_timeout=args.shutdown_timeout,
        reuse_port=args.reuse_port,
        headers_timeout=args.headers_timeout,
        request_timeout=args.request_timeout,
        keepalive_timeout=args.keepalive_timeout,
        max_connections=args.max_connections,
    )
    serve(options, args_list)


if __name__ == "__main__":
    main()
