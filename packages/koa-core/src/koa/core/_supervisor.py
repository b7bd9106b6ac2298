"""``koa serve``: one process, or N workers sharing a port, with restarts and
graceful shutdown; ``--reload`` through a real file watcher."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._server import make_server

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from .application import Koa

__all__ = ["ServeOptions", "serve"]

log = logging.getLogger("koa.serve")


@dataclass
class ServeOptions:
    """How ``koa serve`` runs an app."""

    target: str
    host: str = "127.0.0.1"
    port: int = 3000
    workers: int = 1
    reload: bool = False
    uvloop: bool = False
    access_log: bool = False
    shutdown_timeout: float = 10.0
    reuse_port: bool = False
    reload_dirs: list[str] = field(default_factory=lambda: ["."])


def _install_uvloop() -> None:
    try:
        import uvloop
    except ImportError:
        raise SystemExit(
            "koa: --uvloop needs the uvloop package: pip install 'koa-core[speedups]'"
        ) from None
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def _server_options(options: ServeOptions) -> dict[str, Any]:
    if options.access_log:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        return {"access_log": logging.getLogger("aiohttp.access")}
    return {"access_log": None}


async def serve_until_signal(
    app: Koa,
    *,
    host: str | None,
    port: int,
    sock: socket.socket | None = None,
    reuse_port: bool = False,
    shutdown_timeout: float = 10.0,
    announce: bool = True,
    **server_options: Any,
) -> None:
    """Serve *app* until SIGINT/SIGTERM, then shut down gracefully: stop
    accepting, let requests in flight finish (at most *shutdown_timeout*),
    close keep-alive connections, run ``on_shutdown`` hooks."""
    await app.startup()
    runner = web.ServerRunner(
        make_server(app, **server_options), handle_signals=False, shutdown_timeout=shutdown_timeout
    )
    await runner.setup()
    try:
        if sock is not None:
            site: web.BaseSite = web.SockSite(runner, sock)
        else:
            site = web.TCPSite(runner, host, port, reuse_port=reuse_port or None)
        await site.start()
        if announce:
            host_, port_ = runner.addresses[0][:2]
            print(f"Koa listening on http://{host_}:{port_} (pid {os.getpid()})", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()
        await app.shutdown()


def _serve_one(
    options: ServeOptions,
    sock: socket.socket | None = None,
    *,
    reuse_port: bool = False,
    announce: bool = True,
) -> None:
    """One serving process: import the app, serve until a signal."""
    from .__main__ import load_app

    if options.uvloop:
        _install_uvloop()
    app = load_app(options.target)
    asyncio.run(
        serve_until_signal(
            app,
            host=options.host,
            port=options.port,
            sock=sock,
            reuse_port=reuse_port,
            shutdown_timeout=options.shutdown_timeout,
            announce=announce,
            **_server_options(options),
        )
    )


def _worker(options: ServeOptions, sock: socket.socket | None, index: int) -> None:
    """A worker process of ``--workers N``: serve on the shared port."""
    _serve_one(options, sock, reuse_port=sock is None, announce=index == 0)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def _supervise(options: ServeOptions) -> None:
    """Run ``options.workers`` processes on one port; restart any that dies;
    on SIGTERM/SIGINT forward SIGTERM and wait for graceful exits."""
    # By default the master binds once and every worker accepts on that one
    # socket: its accept queue outlives any worker, so a crashing worker never
    # makes the port refuse connections. With --reuse-port each worker binds
    # its own SO_REUSEPORT socket (the kernel balances more evenly), but the
    # connections queued on a dying worker's socket are reset.
    use_reuse_port = options.reuse_port and hasattr(socket, "SO_REUSEPORT") and options.port != 0
    shared = None if use_reuse_port else _bind(options.host, options.port)
    context: Any = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    stopping = False

    def start(index: int) -> BaseProcess:
        process: BaseProcess = context.Process(
            target=_worker, args=(options, shared, index), name=f"koa-worker-{index}"
        )
        process.start()
        return process

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    workers = {index: start(index) for index in range(options.workers)}
    if shared is not None:
        host, port = shared.getsockname()[:2]
        print(f"Koa listening on http://{host}:{port} ({options.workers} workers)", flush=True)
    while not stopping:
        time.sleep(0.2)
        for index, process in list(workers.items()):
            if not process.is_alive() and not stopping:
                print(
                    f"koa: worker {index} (pid {process.pid}) exited with "
                    f"{process.exitcode}; starting a new one",
                    file=sys.stderr,
                    flush=True,
                )
                workers[index] = start(index)
    for process in workers.values():
        if process.is_alive() and process.pid is not None:
            os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + options.shutdown_timeout + 5
    for process in workers.values():
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
    if shared is not None:
        shared.close()


def _reload(options: ServeOptions, argv: list[str]) -> None:
    try:
        import watchfiles
    except ImportError:
        raise SystemExit(
            "koa: --reload needs a file watcher: pip install watchfiles (or 'koa-core[reload]')"
        ) from None
    child = [sys.executable, "-m", "koa.core", *[a for a in argv if a != "--reload"]]
    watchfiles.run_process(*options.reload_dirs, target=" ".join(child), target_type="command")


def serve(options: ServeOptions, argv: list[str] | None = None) -> None:
    """Run ``koa serve`` with *options*."""
    if options.reload:
        _reload(options, argv or [])
        return
    if options.workers > 1:
        _supervise(options)
        return
    _serve_one(options)
