"""The ``koa`` command: ``koa serve module:app [--host H] [--port P]``
(also ``python -m koa.core serve ...``)."""

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
    module = importlib.import_module(module_name)
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
    parser = argparse.ArgumentParser(prog="koa", description="Serve Koa for Python apps.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve module:app over HTTP")
    serve.add_argument("app", help="the app, as module:attribute (attribute defaults to app)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    serve.add_argument("--port", type=int, default=3000, help="port to bind (3000)")
    serve.add_argument(
        "--shutdown-timeout", type=float, default=10.0, help="seconds in-flight requests get"
    )
    args = parser.parse_args(argv)
    app = load_app(args.app)
    app.run(args.port, args.host, shutdown_timeout=args.shutdown_timeout)


if __name__ == "__main__":
    main()
