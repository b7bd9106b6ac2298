"""The ``koa`` command (also ``python -m koa.core``)::

koa serve module:app [--host H] [--port P] [--workers N] [--reuse-port]
                     [--reload] [--uvloop] [--access-log] [--shutdown-timeout S]
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .application import Koa

__all__ = ["load_app", "main"]


def load_app(target: str) -> Koa:
    """Import ``module:attribute`` (``attribute`` defaults to ``app``) and check
    it is a Koa app; a callable attribute is called as a factory."""
    module_name, _, attribute = target.partition(":")
    if not module_name:
        raise SystemExit(f"koa: expected module:app, got {target!r}")
    if "" not in sys.path and "." not in sys.path:
        sys.path.insert(0, "")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name != module_name.split(".")[0] and err.name != module_name:
            raise
        raise SystemExit(f"koa: cannot import {module_name!r}: {err}") from None
    try:
        app = getattr(module, attribute or "app")
    except AttributeError:
        raise SystemExit(f"koa: {module_name!r} has no attribute {attribute or 'app'!r}") from None
    if not isinstance(app, Koa) and callable(app):
        app = app()
    if not isinstance(app, Koa):
        raise SystemExit(f"koa: {target!r} is not a Koa application")
    return app


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``koa`` console script."""
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
    cmd.add_argument("--uvloop", action="store_true", help="run on uvloop (koa-core[speedups])")
    cmd.add_argument("--access-log", action="store_true", help="log every request to stderr")
    cmd.add_argument(
        "--shutdown-timeout",
        type=float,
        default=10.0,
        help="seconds requests in flight get to finish on SIGTERM (default 10)",
    )
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(args_list)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    options = ServeOptions(
        target=args.app,
        host=args.host,
        port=args.port,
        workers=args.workers,
        reload=args.reload,
        uvloop=args.uvloop,
        access_log=args.access_log,
        shutdown_timeout=args.shutdown_timeout,
        reuse_port=args.reuse_port,
    )
    serve(options, args_list)


if __name__ == "__main__":
    main()
