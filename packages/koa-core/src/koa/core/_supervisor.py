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
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._loops import loop_factory, run
from ._server import (
    HEADERS_TIMEOUT,
    KEEPALIVE_TIMEOUT,
    REQUEST_TIMEOUT,
    make_server,
    quiet_accept_errors,
)

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
    loop: str = "auto"
    access_log: bool = False
    shutdown_timeout: float = 10.0
    reuse_port: bool = False
    reload_dirs: list[str] = field(default_factory=lambda: ["."])
    headers_timeout: float = HEADERS_TIMEOUT
    request_timeout: float = REQUEST_TIMEOUT
    keepalive_timeout: float = KEEPALIVE_TIMEOUT
    max_connections: int | None = None


#: Workers that fail before serving this many times within this many seconds
#: are a crash loop: the supervisor stops and exits 1 with the app's error.
CRASH_LOOP_FAILURES = 5
CRASH_LOOP_WINDOW = 60.0
#: A failed worker is restarted after 0.1 s, 0.2 s, 0.4 s... at most this long.
MAX_RESTART_DELAY = 5.0
#: How long past --shutdown-timeout the supervisor waits for a worker's
#: on_shutdown hooks before it kills the worker (and exits 1).
SHUTDOWN_GRACE = 5.0

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: Set by a stop signal that arrives before the event loop handles signals
#: (while the app is imported): the server then stops as soon as it starts.
_stop_requested: list[int] = []


def _server_options(options: ServeOptions) -> dict[str, Any]:
    limits: dict[str, Any] = {
        "headers_timeout": options.headers_timeout,
        "request_timeout": options.request_timeout,
        "keepalive_timeout": options.keepalive_timeout,
        "max_connections": options.max_connections,
    }
    if options.access_log:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        return {"access_log": logging.getLogger("aiohttp.access"), **limits}
    return {"access_log": None, **limits}


async def serve_until_signal(
    app: Koa,
    *,
    host: str | None,
    port: int,
    sock: socket.socket | None = None,
    reuse_port: bool = False,
    shutdown_timeout: float = 10.0,
    announce: bool = True,
    on_ready: Callable[[], None] | None = None,
    **server_options: Any,
) -> None:
    """Serve *app* until SIGINT/SIGTERM, then shut down gracefully: stop
    accepting, let requests in flight finish within *shutdown_timeout* seconds
    (then cancel them), close keep-alive connections, run ``on_shutdown``
    hooks. A signal during ``on_startup`` hooks cancels them and stops."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in _STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    if _stop_requested:
        stop.set()
    try:
        if not await _until_stopped(app.startup(), stop):
            return
        quiet_accept_errors(loop)
        runner = web.ServerRunner(
            make_server(app, **server_options),
            handle_signals=False,
            shutdown_timeout=shutdown_timeout,
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
            if on_ready is not None:
                on_ready()
            await stop.wait()
        finally:
            await runner.cleanup()
            await app.shutdown()
    finally:
        for sig in _STOP_SIGNALS:
            loop.remove_signal_handler(sig)


async def _until_stopped(work: Awaitable[None], stop: asyncio.Event) -> bool:
    """Run *work* unless *stop* is set first (then cancel it): True if it ran."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait((task, stopped), return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return False
    task.result()
    return not stop.is_set()


def _serve_one(
    options: ServeOptions,
    sock: socket.socket | None = None,
    *,
    reuse_port: bool = False,
    announce: bool = True,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """One serving process: import the app, serve until a signal."""
    from ._loading import load_app

    loop_factory(options.loop)  # a missing uvloop is said before the app is imported
    app = load_app(options.target)
    run(
        serve_until_signal(
            app,
            host=options.host,
            port=options.port,
            sock=sock,
            reuse_port=reuse_port,
            shutdown_timeout=options.shutdown_timeout,
            announce=announce,
            on_ready=on_ready,
            **_server_options(options),
        ),
        options.loop,
    )


def _note_stop(signum: int, frame: object) -> None:
    _stop_requested.append(signum)


def _worker(options: ServeOptions, sock: socket.socket | None, index: int, report: Any) -> None:
    """A worker process of ``--workers N``: serve on the shared port; tell the
    supervisor when it serves, or why it could not start."""
    for sig in _STOP_SIGNALS:
        signal.signal(sig, _note_stop)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    try:
        _serve_one(
            options,
            sock,
            reuse_port=sock is None,
            announce=index == 0,
            on_ready=lambda: report.send(("ready", "")),
        )
    except BaseException as error:
        if isinstance(error, SystemExit) and not error.code:
            raise
        report.send(("failed", _describe(error)))
        raise


def _describe(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return str(error.code)
    return "".join(traceback.format_exception_only(type(error), error)).strip()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


@dataclass
class _Worker:
    """The supervisor's view of one worker process."""

    process: BaseProcess
    report: Any
    ready: bool = False

    def poll(self) -> str | None:
        """Read what the worker said: the error it failed with, if any."""
        failure = None
        try:
            while self.report.poll():
                kind, text = self.report.recv()
                if kind == "ready":
                    self.ready = True
                else:
                    failure = text
        except (EOFError, OSError):
            pass
        return failure


def _supervise(options: ServeOptions) -> int:
    """Run ``options.workers`` processes on one port; restart any that dies
    (with a growing delay, and giving up with exit status 1 on a crash loop);
    on SIGTERM/SIGINT stop accepting at once, forward SIGTERM and wait for the
    workers to drain. Returns the exit status."""
    # By default the master binds once and every worker accepts on that one
    # socket: its accept queue outlives any worker, so a crashing worker never
    # makes the port refuse connections. With --reuse-port each worker binds
    # its own SO_REUSEPORT socket (the kernel balances more evenly), but the
    # connections queued on a dying worker's socket are reset.
    use_reuse_port = options.reuse_port and hasattr(socket, "SO_REUSEPORT") and options.port != 0
    shared = None if use_reuse_port else _bind(options.host, options.port)
    context: Any = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    stopping: list[int] = []

    def start(index: int) -> _Worker:
        receive, send = context.Pipe(duplex=False)
        process: BaseProcess = context.Process(
            target=_worker, args=(options, shared, index, send), name=f"koa-worker-{index}"
        )
        # A stop signal between fork and the worker's own handlers would run
        # the supervisor's handler in the worker and be lost: hold it until then.
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
        send.close()
        return _Worker(process, receive)

    def stop(signum: int, frame: object) -> None:
        stopping.append(signum)

    for sig in _STOP_SIGNALS:
        signal.signal(sig, stop)
    workers = {index: start(index) for index in range(options.workers)}
    if shared is not None:
        host, port = shared.getsockname()[:2]
        print(f"Koa listening on http://{host}:{port} ({options.workers} workers)", flush=True)
    failures: list[float] = []
    restart_at: dict[int, float] = {}
    delays: dict[int, float] = {}
    status = 0
    while not stopping:
        time.sleep(0.1)
        now = time.monotonic()
        for index, worker in list(workers.items()):
            failure = worker.poll()
            if index in restart_at:
                if now >= restart_at[index] and not stopping:
                    del restart_at[index]
                    workers[index] = start(index)
                continue
            if worker.process.is_alive() or stopping:
                continue
            failure = worker.poll() or failure
            code = worker.process.exitcode
            if worker.ready:
                delay = 0.0  # it served: a crash, restart at once
                delays.pop(index, None)
            else:
                failures[:] = [t for t in failures if now - t < CRASH_LOOP_WINDOW] + [now]
                if len(failures) >= CRASH_LOOP_FAILURES:
                    print(
                        f"koa: workers failed to start {len(failures)} times in "
                        f"{CRASH_LOOP_WINDOW:.0f} s; giving up. Last error: {failure or code}",
                        file=sys.stderr,
                        flush=True,
                    )
                    stopping.append(0)
                    status = 1
                    break
                delay = delays[index] = min(MAX_RESTART_DELAY, delays.get(index, 0.05) * 2)
            print(
                f"koa: worker {index} (pid {worker.process.pid}) exited with "
                f"{code}; starting a new one" + (f" in {delay:.1f} s" if delay else ""),
                file=sys.stderr,
                flush=True,
            )
            restart_at[index] = now + delay
    # Stop accepting at once: with the supervisor's copy of the socket closed,
    # the workers' copies close as they stop, and new clients are refused
    # instead of waiting in the accept queue for a worker that is draining.
    if shared is not None:
        shared.close()
    for worker in workers.values():
        if worker.process.is_alive() and worker.process.pid is not None:
            os.kill(worker.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + options.shutdown_timeout + SHUTDOWN_GRACE
    for index, worker in workers.items():
        worker.process.join(max(0.0, deadline - time.monotonic()))
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
            print(
                f"koa: worker {index} (pid {worker.process.pid}) did not finish within "
                f"--shutdown-timeout {options.shutdown_timeout:g} s + {SHUTDOWN_GRACE:g} s; killed",
                file=sys.stderr,
                flush=True,
            )
            status = 1
    return status


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
    """Run ``koa serve`` with *options*; exits non-zero if workers could not
    start or had to be killed."""
    if options.reload:
        _reload(options, argv or [])
        return
    if options.workers > 1:
        status = _supervise(options)
        if status:
            raise SystemExit(status)
        return
    _serve_one(options)
