"""The default output (stderr, written in batches) in real server processes:
every line is there after a normal exit, lines show up while the server runs,
and hostile URLs stay one whole line each."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Protocol

import aiohttp
import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.logger import logger
from koa.logger._output import PIPE_BUF, _pieces

APP = textwrap.dedent(
    """
    import os

    from koa.core import Context, Koa, Next
    from koa.logger import logger

    app = Koa()
    app.use(logger(format=os.environ.get("LOG_FORMAT", "dev")))


    async def hello(ctx: Context, next: Next) -> None:
        ctx.body = "hello"


    app.use(hello)

    if __name__ == "__main__":
        app.run(port=int(os.environ["PORT"]), host="127.0.0.1")
    """
)
DEV_RESPONSE = re.compile(r"^  --> GET (\S+) 200 [\d,]+m?s 5b$")


class Started(Protocol):
    def __call__(self, *args: str, fmt: str = "dev", run: bool = False) -> Server: ...


class Server:
    """A server process whose stderr goes to a file or to a pipe."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int, err: Path | None) -> None:
        self.proc = proc
        self.port = port
        self.err = err

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> list[str]:
        """Stop with *sig*, wait for a normal exit, return the stderr lines."""
        self.proc.send_signal(sig)
        out, _ = self.proc.communicate(timeout=60)
        assert self.proc.returncode == 0, out
        text = self.err.read_text("utf-8") if self.err is not None else out.decode("utf-8")
        return text.splitlines()

    def lines_so_far(self) -> list[str]:
        assert self.err is not None
        return self.err.read_text("utf-8").splitlines()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_listening(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.proc.poll() is None, "the server exited early"
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the server did not start listening")


@pytest.fixture(params=["file", "pipe"])
def start(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Started]:
    """``start(*koa_serve_args, fmt=...)``: ``koa serve logapp:app`` (or
    ``python logapp.py``, i.e. ``app.run()``, with ``run=True``), stderr to a
    real file or to a pipe."""
    (tmp_path / "logapp.py").write_text(APP)
    servers: list[Server] = []
    files: list[IO[bytes]] = []

    def started(*args: str, fmt: str = "dev", run: bool = False) -> Server:
        port = _free_port()
        if run:
            cmd = [sys.executable, "logapp.py"]
        else:
            cmd = [sys.executable, "-m", "koa.core", "serve", "logapp:app", "--port", str(port)]
        err_path: Path | None = None
        stderr: Any = subprocess.STDOUT
        if request.param == "file":
            err_path = tmp_path / f"stderr-{port}.log"
            stderr = err_path.open("wb")
            files.append(stderr)
        env = {**os.environ, "LOG_FORMAT": fmt, "PORT": str(port), "NO_COLOR": "1"}
        proc = subprocess.Popen(
            [*cmd, *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=stderr, env=env
        )
        server = Server(proc, port, err_path)
        servers.append(server)
        _wait_listening(server)
        return server

    yield started
    for server in servers:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.communicate()
    for file in files:
        file.close()


async def _get_all(server: Server, paths: list[str]) -> None:
    async with aiohttp.ClientSession() as session:
        for path in paths:  # one after the other: the lines come in this order
            async with session.get(server.url + path) as reply:
                assert reply.status == 200
                assert await reply.read() == b"hello"


def _dev_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith(("  <-- ", "  --> "))]


def _assert_dev_lines_in_order(lines: list[str], paths: list[str]) -> None:
    logged = _dev_lines(lines)
    assert len(logged) == 2 * len(paths)
    for i, path in enumerate(paths):
        assert logged[2 * i] == f"  <-- GET {path}"
        match = DEV_RESPONSE.match(logged[2 * i + 1])
        assert match is not None, logged[2 * i + 1]
        assert match[1] == path


def _json_paths(lines: list[str]) -> list[str]:
    return [json.loads(line)["path"] for line in lines if line.startswith('{"method":')]


PATHS = [f"/r/{i}" for i in range(300)]


async def test_every_dev_line_is_written_when_koa_serve_stops_on_sigterm(start: Started) -> None:
    server = start()
    await _get_all(server, PATHS)
    _assert_dev_lines_in_order(server.stop(), PATHS)


async def test_every_json_line_is_written_when_koa_serve_stops_on_sigterm(
    start: Started,
) -> None:
    server = start(fmt="json")
    await _get_all(server, PATHS)
    assert _json_paths(server.stop()) == PATHS


async def test_every_line_is_written_when_workers_stop_on_sigterm(start: Started) -> None:
    # A worker process ends with os._exit (no atexit): the logger's
    # on_shutdown hook writes what it kept.
    server = start("--workers", "2")
    await _get_all(server, PATHS)
    lines = server.stop()
    logged = _dev_lines(lines)
    assert sorted(line for line in logged if line.startswith("  <-- ")) == sorted(
        f"  <-- GET {path}" for path in PATHS
    )
    responses = [DEV_RESPONSE.match(line) for line in logged if line.startswith("  --> ")]
    assert sorted(m[1] for m in responses if m is not None) == sorted(PATHS)
    assert len(responses) == len(PATHS)


async def test_every_line_is_written_when_app_run_stops_on_ctrl_c(start: Started) -> None:
    server = start(run=True)
    await _get_all(server, PATHS)
    _assert_dev_lines_in_order(server.stop(signal.SIGINT), PATHS)


@pytest.mark.parametrize("start", ["file"], indirect=True)  # read while it runs
async def test_lines_appear_while_the_server_runs(start: Started) -> None:
    server = start()
    await _get_all(server, ["/first"])
    deadline = time.monotonic() + 30  # FLUSH_INTERVAL is 0.1 s: a generous margin
    while len(_dev_lines(server.lines_so_far())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.proc.poll() is None  # still serving: written by the timer
    _assert_dev_lines_in_order(server.lines_so_far(), ["/first"])
    server.stop()


HOSTILE = [
    "/" + "a" * (2 * PIPE_BUF),  # one line longer than a pipe's atomic write
    "/caf%C3%A9?q=%E2%98%83",
    "/nl%0Aesc%1B%5B31m?x=%0D%0A%22quote%22",
    "/q?name=%22x%22&back=%5C",
]


async def test_hostile_urls_stay_one_whole_line_each(start: Started) -> None:
    paths = [*HOSTILE, *PATHS[:50]]
    server = start("--workers", "2")
    await _get_all(server, paths)
    logged = _dev_lines(server.stop())
    assert sorted(line for line in logged if line.startswith("  <-- ")) == sorted(
        f"  <-- GET {path}" for path in paths
    )
    assert len(logged) == 2 * len(paths)


async def test_hostile_urls_in_json_lines(start: Started) -> None:
    server = start(fmt="json")
    await _get_all(server, HOSTILE)
    assert _json_paths(server.stop()) == [path.split("?", 1)[0] for path in HOSTILE]


def test_a_batch_is_cut_after_newlines_into_pipe_sized_writes() -> None:
    lines = [b"x" * n + b"\n" for n in (10, 4000, 100, 9000, 4095, 1, 3000, 3000)]
    data = b"".join(lines)
    pieces = _pieces(data)
    assert b"".join(pieces) == data
    for piece in pieces:
        assert piece.endswith(b"\n")
        assert len(piece) <= PIPE_BUF or piece.count(b"\n") == 1  # a long line alone


async def test_json_lines_are_the_text_json_dumps_writes(client: ClientFor) -> None:
    records: list[tuple[str, dict[str, Any]]] = []

    def keep(line: str, args: list[Any]) -> None:
        records.append((line, args[0]))

    async def reply(ctx: Context, next: Next) -> None:
        if ctx.query.get("id") == "int":
            ctx.state["request_id"] = 12345
        elif ctx.query.get("id") == "str":
            ctx.state["request_id"] = 'r"\u2603\x01'
        ctx.body = "ok"

    app = Koa().use(logger(keep, format="json")).use(reply)
    http = await client(app)
    for path in [*HOSTILE, "/?id=int", "/?id=str", "/x?id=none"]:
        await http.get(path)
    await http.get("/h", headers={"X-Request-Id": 'h\u00e9 "quoted"'})
    assert len(records) == len(HOSTILE) + 4
    for line, record in records:
        assert line == json.dumps(record, separators=(",", ":"), default=str)
    assert records[-4][1]["request_id"] == 12345


async def test_a_closed_stderr_loses_the_lines_but_not_the_server(tmp_path: Path) -> None:
    (tmp_path / "logapp.py").write_text(APP)
    port = _free_port()
    env = {**os.environ, "PORT": str(port)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "koa.core", "serve", "logapp:app", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    server = Server(proc, port, None)
    try:
        _wait_listening(server)
        assert proc.stderr is not None
        proc.stderr.close()  # nobody reads the log any more: writes get EPIPE
        await _get_all(server, PATHS[:200])
        time.sleep(0.3)  # a timer flush hits the closed pipe in between
        await _get_all(server, PATHS[:200])
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
