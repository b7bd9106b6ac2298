"""Run one peer server in this process until killed::

    python bench/servers/serve.py FRAMEWORK SCENARIO --loop asyncio|uvloop --port P
        --static-dir DIR --log-path FILE

FRAMEWORK is ``raw`` (aiohttp.web.Server + hand-written dispatch), ``aiohttp``
(aiohttp.web.Application), ``starlette``, ``fastapi``, ``litestar`` or
``blacksheep`` (each on uvicorn), ``sanic`` (its own server) or ``koa`` (Koa for
Python). The suite waits for the port to accept connections.

A peer module has either ``serve(scenario, cfg)``, a coroutine run here on
the chosen loop, or ``run(scenario, cfg, loop)`` for a framework whose own
server makes its loop (Sanic).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Coroutine
from typing import Any

from _common import Config

MODULES = {
    "raw": "raw_aiohttp",
    "aiohttp": "aiohttp_app",
    "starlette": "starlette_app",
    "fastapi": "fastapi_app",
    "litestar": "litestar_app",
    "blacksheep": "blacksheep_app",
    "sanic": "sanic_app",
    "koa": "koa_app",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("framework", choices=sorted(MODULES))
    parser.add_argument("scenario")
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), default="asyncio")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--static-dir", required=True)
    parser.add_argument("--log-path", required=True)
    args = parser.parse_args()
    module = importlib.import_module(MODULES[args.framework])
    cfg = Config(port=args.port, static_dir=args.static_dir, log_path=args.log_path)
    if hasattr(module, "run"):
        module.run(args.scenario, cfg, args.loop)
        return
    main_coro: Coroutine[Any, Any, None] = module.serve(args.scenario, cfg)
    try:
        if args.loop == "uvloop":
            import uvloop

            uvloop.run(main_coro)
        else:
            asyncio.run(main_coro)
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
