"""What koa-logger costs a plaintext request: server CPU µs per request under
wrk, without a logger and with it, per output format, output (stderr to a
file or to a pipe) and event loop. Real servers, one at a time; the server on
CPU 0, wrk on CPU 1, modes interleaved within each round; medians printed.

    hatch run python packages/koa-logger/bench_logger.py [--rounds 3] [--duration 3]

Modes: ``none`` (no logger), ``dev`` and ``json`` (the default output:
stderr, no logging handler), ``tdev`` and ``tjson`` (a transporter writing
to a buffered file object, os.devnull, much as bench/suite.py's
plaintext_logger does).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

MODES = ("none", "dev", "json", "tdev", "tjson")


def serve(mode: str, loop: str, port: int) -> None:
    """The server process: a plaintext app, with koa-logger as *mode* says."""
    from koa.core import Context, Koa, Next
    from koa.logger import logger

    app = Koa()
    if mode in ("dev", "json"):
        app.use(logger(colors=False, format="json" if mode == "json" else "dev"))
    elif mode in ("tdev", "tjson"):
        log = open(os.devnull, "a", encoding="utf-8")  # noqa: SIM115

        def transport(line: str, args: list[Any]) -> None:
            log.write(line + "\n")

        app.use(logger(transport, colors=False, format="json" if mode == "tjson" else "dev"))

    async def hello(ctx: Context, next: Next) -> None:
        ctx.body = "Hello, World!"

    app.use(hello)

    async def main() -> None:
        await app.listen(port, "127.0.0.1")
        await asyncio.Event().wait()

    try:
        if loop == "uvloop":
            import uvloop

            uvloop.run(main())
        else:
            asyncio.run(main())
    except KeyboardInterrupt:
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wrk(port: int, seconds: int) -> int:
    cmd = ["taskset", "-c", "1", "wrk", "-t1", "-c64", f"-d{seconds}s", f"http://127.0.0.1:{port}/"]
    output = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    found = re.search(r"(\d+) requests in", output)
    if found is None:
        raise SystemExit(f"wrk said: {output}")
    return int(found[1])


def measure(mode: str, loop: str, output: str, seconds: int, work: Path) -> float:
    """Server CPU µs per request for one mode."""
    port = _free_port()
    reader: subprocess.Popen[bytes] | None = None
    err: IO[bytes] | None
    if output == "file":
        err = (work / "stderr.log").open("wb")
    else:
        cat = ["taskset", "-c", "1", "sh", "-c", "cat > /dev/null"]
        reader = subprocess.Popen(cat, stdin=subprocess.PIPE)
        err = reader.stdin
    cmd = ["taskset", "-c", "0", sys.executable, __file__, "--serve", mode, loop, str(port)]
    server = subprocess.Popen(cmd, stderr=err, stdout=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        _wrk(port, 1)  # warm-up
        before = _cpu_seconds(server.pid)
        requests = _wrk(port, seconds)
        return (_cpu_seconds(server.pid) - before) * 1e6 / requests
    finally:
        server.terminate()
        server.wait()
        if err is not None:
            err.close()
        if reader is not None:
            reader.wait()


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--loops", default="asyncio,uvloop")
    parser.add_argument("--outputs", default="file,pipe")
    opts = parser.parse_args()
    modes, loops, outputs = (opts.modes.split(","), opts.loops.split(","), opts.outputs.split(","))
    results: dict[tuple[str, str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(opts.rounds):
            for loop in loops:
                for output in outputs:
                    for mode in modes:
                        us = measure(mode, loop, output, opts.duration, Path(tmp))
                        results.setdefault((mode, loop, output), []).append(us)
                        print(f"round {round_} {mode:6} {loop:8} {output:5} {us:6.1f} µs/req")
    print("\nmedians (server CPU µs per request):")
    for loop in loops:
        for output in outputs:
            base = statistics.median(results.get(("none", loop, output), [0.0]))
            for mode in modes:
                value = statistics.median(results[mode, loop, output])
                share = f"{(value - base) / base:+.0%}" if base else ""
                print(f"{mode:6} {loop:8} {output:5} {value:6.1f}  {value - base:+5.1f} {share}")


if __name__ == "__main__":
    main()
