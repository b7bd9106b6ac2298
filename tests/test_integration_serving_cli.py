"""`koa serve` in real processes: graceful shutdown, workers, restarts, bad input."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

HERE = Path(__file__).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early: {proc.stdout and proc.stdout.read()!r}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("server did not start listening")


@pytest.fixture
def koa_serve() -> Iterator[object]:
    procs: list[subprocess.Popen[bytes]] = []

    def start(
        *args: str, target: str = "serving_app:app", wait: bool = True, **env: str
    ) -> tuple[subprocess.Popen[bytes], int]:
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "koa.core", "serve", target, "--port", str(port), *args],
            cwd=HERE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
        )
        procs.append(proc)
        if wait:
            _wait_listening(port, proc)
        return proc, port

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


async def test_sigterm_lets_100_requests_in_flight_finish(koa_serve: object) -> None:
    proc, port = koa_serve("--shutdown-timeout", "10")  # type: ignore[operator]
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def slow() -> tuple[int, str]:
            async with session.get(url + "/slow?s=1.0") as r:
                return r.status, await r.text()

        tasks = [asyncio.create_task(slow()) for _ in range(100)]
        await asyncio.sleep(0.5)  # all 100 are now being handled
        proc.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.2)
        with pytest.raises(aiohttp.ClientConnectionError):  # new connections are refused
            async with session.get(url + "/pid", headers={"Connection": "close"}) as r:
                await r.read()
        results = await asyncio.gather(*tasks)
    assert results == [(200, "done")] * 100
    assert await asyncio.to_thread(proc.wait, 10) == 0


async def test_a_crashed_worker_is_replaced_and_others_keep_serving(koa_serve: object) -> None:
    proc, port = koa_serve("--workers", "2")  # type: ignore[operator]
    url = f"http://127.0.0.1:{port}"
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        pids: set[str] = set()
        for _ in range(40):
            async with session.get(url + "/pid") as r:
                pids.add(await r.text())
        with pytest.raises(aiohttp.ClientError):
            async with session.get(url + "/crash") as r:
                await r.read()
        statuses = []
        for _ in range(20):  # the surviving worker answers while the crashed one restarts
            async with session.get(url + "/") as r:
                statuses.append(r.status)
        assert statuses == [200] * 20
        await asyncio.sleep(1.5)
        after: set[str] = set()
        for _ in range(60):
            async with session.get(url + "/pid") as r:
                after.add(await r.text())
    assert len(after) == 2  # two workers again
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(proc.wait, 15) == 0
    output = proc.stdout.read().decode() if proc.stdout else ""
    assert "exited with 3; starting a new one" in output


async def _raw(port: int, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(65536), 5)
    finally:
        writer.close()


@pytest.mark.parametrize(
    ("request_bytes", "statuses"),
    [
        (b"GARBAGE\r\n\r\n", (b"400",)),
        (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", (b"400",)),
        # Over 16 KiB of header line or URL: 431, as Node answers (RFC 6585).
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n", (b"431",)),
        (b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", (b"431",)),
    ],
    ids=["malformed-request-line", "invalid-content-length", "oversized-header", "long-url"],
)
async def test_bad_http_input_is_answered_with_4xx_and_the_server_keeps_serving(
    koa_serve: object, request_bytes: bytes, statuses: tuple[bytes, ...]
) -> None:
    _, port = koa_serve()  # type: ignore[operator]
    answer = await _raw(port, request_bytes)
    assert answer.split(b" ")[1] in statuses
    answer = await _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200")


async def test_a_client_trickling_its_headers_does_not_delay_other_requests(
    koa_serve: object,
) -> None:
    _, port = koa_serve()  # type: ignore[operator]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /slow?s=0 HTTP/1.1\r\nHost: x\r\n")
    await writer.drain()
    for _ in range(5):  # one header line at a time, never finishing the request
        writer.write(b"X-Trickle: 1\r\n")
        await writer.drain()
        answer = await _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200")
        await asyncio.sleep(0.05)
    writer.write(b"\r\n")  # the slow client finally completes its request, and is answered
    await writer.drain()
    assert (await asyncio.wait_for(reader.read(65536), 5)).startswith(b"HTTP/1.1 200")
    writer.close()


async def test_reload_serves_the_new_code_after_a_file_changes(tmp_path: Path) -> None:
    app_file = tmp_path / "reloadable.py"
    source = (
        "from koa.core import Koa\n"
        "app = Koa()\n"
        "async def hello(ctx, next):\n"
        "    ctx.body = {!r}\n"
        "app.use(hello)\n"
    )
    app_file.write_text(source.format("before"))
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "koa.core",
            "serve",
            "reloadable:app",
            "--port",
            str(port),
            "--reload",
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(port, proc)
        assert (await _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")).endswith(b"before")
        app_file.write_text(source.format("after"))
        for _ in range(200):  # bounded: up to ~20 s for the watcher to restart the server
            await asyncio.sleep(0.1)
            try:
                answer = await _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            except OSError:
                continue
            if answer.endswith(b"after"):
                break
        else:
            raise AssertionError("the server never served the changed code")
    finally:
        proc.terminate()
        proc.wait(15)


def test_cli_names_a_target_that_cannot_be_imported() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "koa.core", "serve", "no_such_module:app"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "cannot import 'no_such_module'" in result.stderr


def test_cli_refuses_an_object_that_is_not_a_koa_app() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "koa.core", "serve", "serving_app:STARTED"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(HERE)},
    )
    assert result.returncode != 0
    assert "is not a Koa application" in result.stderr


# -- the limits that keep a server up (SECURITY.md), in real `koa serve` processes --

LIMITS_APP = "serving_limits_app:app"


async def _until_workers_serve(port: int, workers: int) -> None:
    """Wait until *workers* distinct workers have answered (the supervisor
    binds the port before its workers have started: a signal sent earlier
    would reach a worker still starting up)."""
    pids: set[bytes] = set()
    deadline = time.monotonic() + 30
    while len(pids) < workers:
        assert time.monotonic() < deadline, f"only {len(pids)} workers answered"
        answer = await _raw(port, b"GET /pid HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        pids.add(answer.rsplit(b"\r\n\r\n", 1)[-1])


async def _read_until_closed(reader: asyncio.StreamReader, timeout: float) -> bytes:
    return await asyncio.wait_for(reader.read(), timeout)


async def _trickle_headers(port: int) -> tuple[bytes, float]:
    """Send a request's headers a byte every 50 ms; the answer and when it came."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()

    async def send() -> None:
        try:
            for byte in b"GET / HTTP/1.1\r\n" + b"X-Trickle: 1\r\n" * 200:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(0.05)
        except ConnectionError:
            pass

    sender = asyncio.ensure_future(send())
    try:
        answer = await _read_until_closed(reader, 10)
    finally:
        sender.cancel()
        writer.close()
    return answer, time.monotonic() - started


async def test_koa_serve_answers_a_header_trickler_with_408_after_headers_timeout(
    koa_serve: object,
) -> None:
    _, port = koa_serve("--headers-timeout", "1", target=LIMITS_APP)  # type: ignore[operator]
    answer, elapsed = await _trickle_headers(port)
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert 1.0 <= elapsed < 3.0


async def test_app_run_answers_a_header_trickler_with_408_after_headers_timeout(
    tmp_path: Path,
) -> None:
    port = _free_port()
    script = tmp_path / "run_app.py"
    script.write_text(
        "from serving_limits_app import app\n"
        f"app.run(port={port}, headers_timeout=1, shutdown_timeout=1)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=HERE,
        env={**os.environ, "PYTHONPATH": str(HERE)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(port, proc)
        answer, elapsed = await _trickle_headers(port)
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
        assert 1.0 <= elapsed < 3.0
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 10) == 0


async def test_workers_shut_down_with_open_sse_streams_and_websockets_within_the_timeout(
    koa_serve: object,
) -> None:
    proc, port = koa_serve(  # type: ignore[operator]
        "--workers", "2", "--shutdown-timeout", "1", target=LIMITS_APP
    )
    await _until_workers_serve(port, 2)
    url = f"http://127.0.0.1:{port}"
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        streams = [await session.get(url + "/sse") for _ in range(4)]
        for stream in streams:
            await stream.content.readline()
        sockets = [await session.ws_connect(url + "/ws") for _ in range(4)]
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 15) == 0
        elapsed = time.monotonic() - started
        for ws in sockets:
            message = await asyncio.wait_for(ws.receive(), 5)
            assert message.type == aiohttp.WSMsgType.CLOSE and message.data == 1001
            await ws.close()
        for stream in streams:
            with pytest.raises(aiohttp.ClientPayloadError):
                await asyncio.wait_for(stream.content.read(), 5)  # ended by the server
            stream.close()
    output = proc.stdout.read().decode() if proc.stdout else ""
    assert len({line for line in output.splitlines() if line.startswith("on_shutdown")}) == 2
    # The deadline is 1 s; process start-up/exit and a loaded CI machine get 1.5 s more.
    assert elapsed < 1.0 + 1.5, elapsed


async def test_new_connections_during_a_workers_drain_are_refused_at_once(
    koa_serve: object,
) -> None:
    proc, port = koa_serve(  # type: ignore[operator]
        "--workers", "2", "--shutdown-timeout", "5", target=LIMITS_APP
    )
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        slow = asyncio.ensure_future(session.get(url + "/slow?s=2"))
        await asyncio.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.5)
        started = time.monotonic()
        with pytest.raises(OSError):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = await _read_until_closed(reader, 10)
            writer.close()
            if not answer:
                raise ConnectionResetError("closed without an answer")
        assert time.monotonic() - started < 1.0  # refused or reset, not left hanging
        response = await slow
        assert (response.status, await response.text()) == (200, "done")
    assert await asyncio.to_thread(proc.wait, 15) == 0


async def test_sigterm_while_workers_start_up_stops_them(koa_serve: object) -> None:
    proc, _ = koa_serve(  # type: ignore[operator]
        "--workers", "2", target=LIMITS_APP, wait=False, KOA_TEST_STARTUP_SLEEP="60"
    )
    await asyncio.sleep(1.5)  # workers imported the app and sit in on_startup
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(proc.wait, 20) == 0
    assert time.monotonic() - started < 5.0


async def test_a_crash_loop_makes_the_supervisor_exit_1_with_the_apps_error(
    koa_serve: object,
) -> None:
    proc, port = koa_serve(  # type: ignore[operator]
        "--workers", "2", target=LIMITS_APP, wait=False, KOA_TEST_FAIL_IMPORT="1"
    )
    assert await asyncio.to_thread(proc.wait, 60) == 1
    output = proc.stdout.read().decode() if proc.stdout else ""
    assert "giving up" in output
    assert "RuntimeError: the database URL is not set" in output.split("giving up")[1]
    with pytest.raises(OSError):  # the port was released: clients are refused, not hung
        await asyncio.open_connection("127.0.0.1", port)


async def test_the_supervisor_exits_1_and_says_so_when_it_kills_a_worker(
    koa_serve: object,
) -> None:
    proc, port = koa_serve(  # type: ignore[operator]
        "--workers",
        "2",
        "--shutdown-timeout",
        "0.5",
        target=LIMITS_APP,
        KOA_TEST_SHUTDOWN_SLEEP="60",
    )
    await _until_workers_serve(port, 2)
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(proc.wait, 30) == 1
    output = proc.stdout.read().decode() if proc.stdout else ""
    assert "did not finish within --shutdown-timeout 0.5 s" in output


def _limit_open_files() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
async def test_running_out_of_file_descriptors_logs_little_burns_no_cpu_and_recovers(
    loop: str,
) -> None:
    """Under ``ulimit -n 64`` with the connection cap lifted above it, 80 idle
    connections exhaust the descriptors: accepting stops (new clients are
    reset or wait), one log line, no busy loop, and once the idle connections
    close (keepalive_timeout) the server answers again by itself."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "koa.core",
            "serve",
            LIMITS_APP,
            "--port",
            str(port),
            "--keepalive-timeout",
            "2",
            "--max-connections",
            "1000",
            *(["--uvloop"] if loop == "uvloop" else []),
        ],
        cwd=HERE,
        preexec_fn=_limit_open_files,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    idle: list[socket.socket] = []
    try:
        _wait_listening(port, proc)
        for _ in range(80):
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        cpu_before = _cpu_seconds(proc.pid)
        await asyncio.sleep(1.5)
        assert _cpu_seconds(proc.pid) - cpu_before < 0.5  # no busy loop
        for _ in range(100):  # bounded: ~10 s for the idle ones to be closed
            try:
                answer = await _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            except (TimeoutError, OSError):
                answer = b""
            if answer.startswith(b"HTTP/1.1 200"):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the server never recovered")
    finally:
        for sock in idle:
            sock.close()
        proc.send_signal(signal.SIGTERM)
        await asyncio.to_thread(proc.wait, 15)
    output = proc.stdout.read().decode() if proc.stdout else ""
    if proc.stdout:
        proc.stdout.close()
    assert "Traceback" not in output
    assert output.count("cannot accept connections") <= 2, output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sets RLIMIT_NOFILE")
async def test_with_few_file_descriptors_the_default_cap_answers_503_at_once() -> None:
    """Under ``ulimit -n 64`` the default cap is 64 less a reserve of 32: of 60
    connections the server keeps at most 32 and answers the others 503 at once."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "koa.core", "serve", LIMITS_APP, "--port", str(port)],
        cwd=HERE,
        preexec_fn=_limit_open_files,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    connections: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    try:
        _wait_listening(port, proc)
        for _ in range(60):
            connections.append(await asyncio.open_connection("127.0.0.1", port))
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)

        async def first_bytes(reader: asyncio.StreamReader) -> bytes:
            try:
                return await asyncio.wait_for(reader.read(64), 1.0)
            except TimeoutError:
                return b""  # held open, waiting for a request

        answers = await asyncio.gather(*(first_bytes(reader) for reader, _ in connections))
        # The cap is 32; a slot freed by a connection closing just then (the
        # start-up probe's) may have refused one or two more at that moment.
        assert 28 <= answers.count(b"") <= 32
        assert all(a.startswith(b"HTTP/1.1 503 Service Unavailable\r\n") for a in answers if a)
    finally:
        for _, writer in connections:
            writer.close()
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 15) == 0


async def _loop_module(port: int) -> str:
    answer = await _raw(port, b"GET /loop HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    return answer.rsplit(b"\r\n\r\n", 1)[1].decode()


@pytest.mark.parametrize(
    ("args", "module"),
    [
        ((), "uvloop"),  # auto: uvloop is installed here
        (("--loop", "auto"), "uvloop"),
        (("--loop", "asyncio"), "asyncio.unix_events"),
        (("--loop", "uvloop"), "uvloop"),
        (("--uvloop",), "uvloop"),
        (("--loop", "asyncio", "--workers", "2"), "asyncio.unix_events"),
    ],
    ids=["default", "auto", "asyncio", "uvloop", "--uvloop", "workers-asyncio"],
)
async def test_koa_serve_runs_on_the_event_loop_chosen(
    koa_serve: object, args: tuple[str, ...], module: str
) -> None:
    _, port = koa_serve(*args, target=LIMITS_APP)  # type: ignore[operator]
    assert await _loop_module(port) == module


@pytest.mark.parametrize(
    ("loop", "module"), [("auto", "uvloop"), ("asyncio", "asyncio.unix_events")]
)
async def test_app_run_runs_on_the_event_loop_chosen(
    tmp_path: Path, loop: str, module: str
) -> None:
    port = _free_port()
    script = tmp_path / "run_app.py"
    script.write_text(f"from serving_limits_app import app\napp.run(port={port}, loop={loop!r})\n")
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=HERE,
        env={**os.environ, "PYTHONPATH": str(HERE)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(port, proc)
        assert await _loop_module(port) == module
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 10) == 0


def test_an_unknown_loop_is_refused_with_the_choices() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "koa.core", "serve", LIMITS_APP, "--loop", "trio"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "invalid choice: 'trio'" in result.stderr
