"""HTTP benchmark suite: every peer framework through the same scenarios under
wrk, one server process at a time, interleaved rounds, medians reported.

    python bench/suite.py            # full run: 3 rounds, 5 s per test after 1 s warm-up
    python bench/suite.py --quick    # 1 round, 2 s per test, default loop only
    python bench/suite.py --help     # every option

Use ``bench/run.sh`` to install what the suite needs first. The server is
pinned to CPU 0 and wrk to CPU 1 (``taskset``); servers bind 127.0.0.1 only.
A full run writes ``bench/RESULTS.md``, ``bench/ratios.png`` and
``bench/results/results.json``; a quick run writes the same three files under
``bench/results/`` so it never overwrites the committed report.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
SERVERS = BENCH / "servers"
NODE_DIR = BENCH / "node"
LUA = BENCH / "lua"
sys.path.insert(0, str(SERVERS))

from _common import (  # noqa: E402
    LOGGER_SCENARIO,
    POST_PATH,
    SCENARIOS,
    STATIC_NAME,
    STATIC_PREFIX,
    post_body,
    static_body,
)

SERVER_CPU = "0"
CLIENT_CPU = "1"
READY_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0

SCENARIO_TITLES = {
    "plaintext": "Plaintext hello",
    "plaintext_router": "Plaintext hello through the framework's router",
    "json_router": "JSON GET, 100 parametrised routes",
    "json_post": "JSON POST ~1 KB through the body parser",
    "middleware10": "10 pass-through middleware",
    "realistic": "Realistic stack (logger to file + router + body parser + mounted static)",
    LOGGER_SCENARIO: "Plaintext + request logger to a file",
}

#: Koa for Python's targets: minimum req/s ratio to raw aiohttp, same loop, same round.
RATIO_TARGETS = {"plaintext": 0.90, "json_router": 0.85, "middleware10": 0.80}
RSS_TOLERANCE = 0.10
#: Issue 23, on the default asyncio loop: minimum CPU-time ratio to raw aiohttp.
ISSUE23_ASYNCIO_TARGETS = {"plaintext_router": 0.90, "json_router": 0.90, "middleware10": 0.85}
#: Issue 23, on uvloop: Koa's CPU µs per request below Koa.js's in these and
#: "realistic", and below every Python framework's in these.
ISSUE23_SCENARIOS = ("plaintext_router", "json_router", "json_post", "middleware10")


@dataclass(frozen=True)
class Peer:
    """One server configuration: a framework on an event loop."""

    key: str
    framework: str  # one of LABELS
    loop: str  # asyncio | uvloop | node
    label: str

    def baseline(self, keys: list[str]) -> str:
        """The raw aiohttp peer this one's ratios are taken against."""
        if self.loop == "node":  # libuv underneath, like uvloop
            return "raw/uvloop" if "raw/uvloop" in keys else "raw/asyncio"
        return f"raw/{self.loop}"


LABELS = {
    "raw": "raw aiohttp.web.Server",
    "aiohttp": "aiohttp.web.Application",
    "starlette": "Starlette (uvicorn)",
    "fastapi": "FastAPI (uvicorn)",
    "litestar": "Litestar (uvicorn)",
    "blacksheep": "BlackSheep (uvicorn)",
    "sanic": "Sanic",
    "koa": "Koa for Python",
    "koajs": "Koa.js 3 (Node)",
}
PY_FRAMEWORKS = ("raw", "aiohttp", "starlette", "fastapi", "litestar", "blacksheep", "sanic", "koa")
#: The Python modules each peer's server imports (checked before a run).
PEER_MODULES = {
    "raw": ("aiohttp",),
    "aiohttp": ("aiohttp",),
    "starlette": ("starlette", "uvicorn", "httptools"),
    "fastapi": ("fastapi", "uvicorn", "httptools"),
    "litestar": ("litestar", "uvicorn", "httptools"),
    "blacksheep": ("blacksheep", "uvicorn", "httptools"),
    "sanic": ("sanic",),
    "koa": ("koa.core", "koa.router", "koa.bodyparser", "koa.logger", "koa.static", "koa.mount"),
}
#: The Python frameworks Koa for Python is compared with (raw aiohttp is the baseline).
PY_RIVALS = ("aiohttp", "starlette", "fastapi", "litestar", "blacksheep", "sanic")


def make_peers(frameworks: list[str], loops: list[str]) -> list[Peer]:
    peers = [
        Peer(f"{fw}/{loop}", fw, loop, LABELS[fw])
        for loop in loops
        for fw in PY_FRAMEWORKS
        if fw in frameworks
    ]
    if "koajs" in frameworks:
        peers.append(Peer("koajs/node", "koajs", "node", LABELS["koajs"]))
    return peers


@dataclass
class Measurement:
    """One wrk run against one fresh server process."""

    peer: str
    scenario: str
    round: int
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    requests: int = 0
    non_2xx: int = 0
    socket_errors: int = 0
    peak_rss_kib: int = 0
    cpu_us_per_request: float = 0.0  # server CPU time (user + system) per response
    error: str = ""
    wrk_output: str = field(default="", repr=False)


# -- processes -----------------------------------------------------------------

_live: set[subprocess.Popen[bytes]] = set()


def _terminate(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def kill_server(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, SIGKILL it if it lingers."""
    _live.discard(proc)
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(STOP_TIMEOUT)


def kill_all() -> None:
    for proc in list(_live):
        kill_server(proc)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_command(peer: Peer, scenario: str, port: int, work: Path, log_path: Path) -> list[str]:
    static_dir = str(work / "static")
    if peer.framework == "koajs":
        cmd = ["node", str(NODE_DIR / "server.js"), scenario, str(port), static_dir, str(log_path)]
    else:
        cmd = [
            sys.executable,
            str(SERVERS / "serve.py"),
            peer.framework,
            scenario,
            "--loop",
            peer.loop,
            "--port",
            str(port),
            "--static-dir",
            static_dir,
            "--log-path",
            str(log_path),
        ]
    return ["taskset", "-c", SERVER_CPU, *cmd]


@contextlib.contextmanager
def running_server(
    peer: Peer, scenario: str, work: Path, tag: str
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """Start *peer* serving *scenario* on a free port; kill it on exit."""
    port = free_port()
    log_path = work / f"{tag}.log"
    stderr_path = work / f"{tag}.stderr"
    with open(stderr_path, "wb") as stderr:
        proc = subprocess.Popen(
            server_command(peer, scenario, port, work, log_path),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
            env={**os.environ, "NODE_ENV": "production", "PYTHONDONTWRITEBYTECODE": "1"},
        )
    _live.add(proc)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"{peer.key} exited ({proc.returncode}): "
                    + stderr_path.read_text(errors="replace")[-2000:]
                )
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{peer.key} did not listen within {READY_TIMEOUT}s"
                    ) from None
                time.sleep(0.05)
        yield proc, port
    finally:
        kill_server(proc)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time *pid* (all its threads) has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # fields[0] is field 3 (state): utime and stime are fields 14 and 15
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_kib(pid: int) -> int:
    """VmHWM (peak resident set) of *pid*, in KiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# -- correctness ---------------------------------------------------------------


def fetch(port: int, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        conn.close()


def verify(scenario: str, port: int) -> None:
    """Check the server answers the scenario's requests correctly before
    measuring it (a fast wrong answer must not count)."""
    hello = (200, b"Hello, World!")
    checks: list[tuple[str, str, bytes | None, tuple[int, Any]]] = []
    route = ("GET", "/api/v1/res42/7919", None, (200, {"route": 42, "id": "7919"}))
    post = ("POST", POST_PATH, post_body(), (200, {"received": 10}))
    static = ("GET", f"{STATIC_PREFIX}/{STATIC_NAME}", None, (200, static_body()))
    if scenario in ("plaintext", "plaintext_router", "middleware10", LOGGER_SCENARIO):
        checks.append(("GET", "/", None, hello))
    elif scenario == "json_router":
        checks += [route, ("GET", "/api/v1/res0/a", None, (200, {"route": 0, "id": "a"}))]
    elif scenario == "json_post":
        checks.append(post)
    elif scenario == "realistic":
        checks += [route, post, static]
    for method, path, body, (status, expected) in checks:
        got_status, got = fetch(port, method, path, body)
        value: Any = json.loads(got) if isinstance(expected, dict) else got
        if got_status != status or value != expected:
            raise RuntimeError(
                f"{method} {path}: expected {status} {expected!r:.80}, "
                f"got {got_status} {got!r:.200}"
            )


# -- wrk -----------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unparsable latency {text!r}")
    return float(match[1]) * _UNITS[match[2]]


def wrk_command(
    scenario: str, port: int, seconds: float, connections: int, work: Path
) -> list[str]:
    url = f"http://127.0.0.1:{port}/"
    cmd = ["taskset", "-c", CLIENT_CPU, "wrk", "-t1", f"-c{connections}"]
    cmd += [f"-d{max(1, round(seconds))}s", "--timeout", "5s", "--latency"]
    if scenario == "json_router":
        cmd += ["-s", str(LUA / "router.lua"), url]
    elif scenario == "json_post":
        cmd += ["-s", str(LUA / "post.lua"), url, "--", str(work / "body.json")]
    elif scenario == "realistic":
        cmd += ["-s", str(LUA / "realistic.lua"), url, "--", str(work / "body.json")]
    else:
        cmd.append(url)
    return cmd


def run_wrk(cmd: list[str], seconds: float) -> str:
    done = subprocess.run(
        cmd, capture_output=True, text=True, timeout=seconds + 30, stdin=subprocess.DEVNULL
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return done.stdout


def parse_wrk(output: str, m: Measurement) -> None:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not rps:
        raise RuntimeError(f"no Requests/sec in wrk output:\n{output}")
    m.rps = float(rps[1])
    for pct, attr in (("50", "p50_ms"), ("99", "p99_ms")):
        lat = re.search(rf"^\s+{pct}%\s+(\S+)", output, re.M)
        if lat:
            setattr(m, attr, _ms(lat[1]))
    total = re.search(r"(\d+) requests in", output)
    m.requests = int(total[1]) if total else 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    m.non_2xx = int(non2xx[1]) if non2xx else 0
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    m.socket_errors = sum(int(x) for x in sock.groups()) if sock else 0


def measure(
    peer: Peer, scenario: str, rnd: int, opts: argparse.Namespace, work: Path
) -> Measurement:
    m = Measurement(peer.key, scenario, rnd)
    tag = f"{peer.key.replace('/', '-')}-{scenario}-r{rnd}"
    try:
        with running_server(peer, scenario, work, tag) as (proc, port):
            verify(scenario, port)
            if opts.warmup > 0:
                run_wrk(wrk_command(scenario, port, opts.warmup, opts.connections, work), 1)
            cpu_before = cpu_seconds(proc.pid)
            out = run_wrk(
                wrk_command(scenario, port, opts.duration, opts.connections, work), opts.duration
            )
            cpu_used = cpu_seconds(proc.pid) - cpu_before
            m.peak_rss_kib = peak_rss_kib(proc.pid)
            m.wrk_output = out
            parse_wrk(out, m)
            if m.requests:
                m.cpu_us_per_request = cpu_used * 1e6 / m.requests
    except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as err:
        m.error = str(err)
    return m


# -- aggregation -----------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Summary:
    peer: Peer
    scenario: str
    rps: float
    ratio: float  # median over rounds of rps / baseline rps in the same round
    ratios: list[float]
    p50_ms: float
    p99_ms: float
    rss_mib: float
    cpu_us: float  # median server CPU µs per request
    cpu_ratio: float  # median over rounds of baseline CPU/request / this peer's, same round
    errors: int
    failures: list[str]


def summarise(
    peers: list[Peer], scenarios: list[str], results: list[Measurement]
) -> dict[tuple[str, str], Summary]:
    keys = [p.key for p in peers]
    by = {(m.peer, m.scenario, m.round): m for m in results}
    rounds = sorted({m.round for m in results})
    out: dict[tuple[str, str], Summary] = {}
    for scenario in scenarios:
        for peer in peers:
            ms = [by[k] for r in rounds if (k := (peer.key, scenario, r)) in by]
            if not ms:
                continue
            ok = [m for m in ms if not m.error]
            ratios, cpu_ratios = [], []
            for m in ok:
                base = by.get((peer.baseline(keys), scenario, m.round))
                if base is not None and not base.error and base.rps:
                    ratios.append(m.rps / base.rps)
                    if m.cpu_us_per_request and base.cpu_us_per_request:
                        cpu_ratios.append(base.cpu_us_per_request / m.cpu_us_per_request)
            out[(peer.key, scenario)] = Summary(
                peer=peer,
                scenario=scenario,
                rps=median([m.rps for m in ok]),
                ratio=median(ratios),
                ratios=ratios,
                p50_ms=median([m.p50_ms for m in ok]),
                p99_ms=median([m.p99_ms for m in ok]),
                rss_mib=median([m.peak_rss_kib / 1024 for m in ok]),
                cpu_us=median([m.cpu_us_per_request for m in ok]),
                cpu_ratio=median(cpu_ratios),
                errors=sum(m.non_2xx + m.socket_errors for m in ok),
                failures=[m.error for m in ms if m.error],
            )
    return out


def logger_ratios(
    peers: list[Peer], results: list[Measurement], *, cpu: bool = False
) -> dict[str, list[float]]:
    """Per peer: rps with a logger / rps without, in the same round (with
    *cpu*: CPU time per request without / with)."""
    by = {(m.peer, m.scenario, m.round): m for m in results if not m.error}
    out: dict[str, list[float]] = {}
    for peer in peers:
        for (key, scenario, rnd), m in by.items():
            if key == peer.key and scenario == LOGGER_SCENARIO:
                plain = by.get((key, "plaintext", rnd))
                if cpu and plain and m.cpu_us_per_request:
                    ratio = plain.cpu_us_per_request / m.cpu_us_per_request
                    out.setdefault(key, []).append(ratio)
                elif not cpu and plain and plain.rps:
                    out.setdefault(key, []).append(m.rps / plain.rps)
    return out


# -- report ----------------------------------------------------------------------


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found: dict[str, str] = {"Python": platform.python_version()}
    dists = ("aiohttp", "uvloop", "starlette", "uvicorn", "httptools", "fastapi", "pydantic")
    dists += ("litestar", "msgspec", "blacksheep", "sanic", "ujson", "orjson", "koa-core")
    for dist in dists:
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:
            found[dist] = "-"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        found["Node"] = subprocess.run(
            ["node", "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    with contextlib.suppress(OSError, ValueError):
        found["koa (npm)"] = json.loads((NODE_DIR / "node_modules/koa/package.json").read_text())[
            "version"
        ]
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
        found["wrk"] = (out.stdout + out.stderr).split()[1]
    return found


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def fmt(value: float, spec: str) -> str:
    return "-" if value != value else format(value, spec)  # NaN -> "-"


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def targets_section(peers: list[Peer], summary: dict[tuple[str, str], Summary]) -> list[str]:
    if not any(p.framework == "koa" for p in peers):
        return []
    lines = [
        "## Targets (Koa for Python)",
        "",
        "req/s ratio: median over rounds of Koa's req/s ÷ raw aiohttp's on the same loop in the "
        "same round. CPU-time ratio: raw aiohttp's server CPU µs per request ÷ Koa's, same "
        "round, median over rounds; it is what the req/s ratio would be on a quiet machine "
        "and is far less noisy here (see README.md). A target is shown as met by each measure.",
        "",
        "| Target | Loop | req/s ratio | met | CPU-time ratio | met |",
        "|---|---|---:|---|---:|---|",
    ]
    for peer in peers:
        if peer.framework != "koa":
            continue
        loop = peer.loop
        for scenario, target in RATIO_TARGETS.items():
            s = summary.get((peer.key, scenario))
            if s is None:
                continue
            lines.append(
                f"| {scenario}: ratio >= {target:.2f} | {loop} | {fmt(s.ratio, '.3f')} | "
                f"{_yes(s.ratio >= target)} | {fmt(s.cpu_ratio, '.3f')} | "
                f"{_yes(s.cpu_ratio >= target)} |"
            )
        s = summary.get((peer.key, "realistic"))
        if s is not None:
            rivals = [
                r
                for fw in ("aiohttp", "starlette")
                if (r := summary.get((f"{fw}/{loop}", "realistic"))) is not None
            ]
            names = {"aiohttp": "aiohttp.web", "starlette": "Starlette"}
            by_rps = ", ".join(f"{names[r.peer.framework]} {fmt(r.ratio, '.3f')}" for r in rivals)
            by_cpu = ", ".join(
                f"{names[r.peer.framework]} {fmt(r.cpu_ratio, '.3f')}" for r in rivals
            )
            lines.append(
                f"| realistic: ahead of aiohttp.web.Application and Starlette | {loop} | "
                f"{fmt(s.ratio, '.3f')} (vs {by_rps}) | "
                f"{_yes(all(s.ratio > r.ratio for r in rivals))} | "
                f"{fmt(s.cpu_ratio, '.3f')} (vs {by_cpu}) | "
                f"{_yes(all(s.cpu_ratio > r.cpu_ratio for r in rivals))} |"
            )
    lines += [
        "",
        "| Peak RSS within 10% of raw aiohttp's | Loop | Koa | raw aiohttp | ratio | met |",
        "|---|---|---:|---:|---:|---|",
    ]
    for peer in peers:
        if peer.framework != "koa":
            continue
        for scenario in SCENARIOS:
            s = summary.get((peer.key, scenario))
            raw = summary.get((f"raw/{peer.loop}", scenario))
            if s is None or raw is None or not raw.rss_mib:
                continue
            ratio = s.rss_mib / raw.rss_mib
            lines.append(
                f"| {scenario} | {peer.loop} | {s.rss_mib:.1f} MiB | {raw.rss_mib:.1f} MiB | "
                f"{ratio:.3f} | {_yes(ratio <= 1 + RSS_TOLERANCE)} |"
            )
    return [*lines, ""]


@dataclass(frozen=True)
class Check:
    """One issue-23 target, judged on the medians of the run."""

    target: str
    loop: str
    scenario: str
    koa_us: float
    against: str  # what Koa's figure was compared with, for the report
    met: bool | None  # None: not measured in this run


def _nan(value: float) -> bool:
    return value != value


def _cpu(summary: dict[tuple[str, str], Summary], key: str, scenario: str) -> float:
    s = summary.get((key, scenario))
    return float("nan") if s is None else s.cpu_us


def issue23_checks(peers: list[Peer], summary: dict[tuple[str, str], Summary]) -> list[Check]:
    """Issue 23's targets, in server CPU µs per request (medians over rounds).

    - uvloop: Koa below Koa.js on Node in ISSUE23_SCENARIOS and "realistic",
      and below every Python framework (PY_RIVALS; raw aiohttp is the
      baseline, not a rival) in ISSUE23_SCENARIOS, the JSON POST at or below.
    - asyncio: CPU-time ratio to raw aiohttp >= ISSUE23_ASYNCIO_TARGETS.
    """
    keys = {p.key for p in peers}
    checks: list[Check] = []
    if "koa/uvloop" in keys:
        for scenario in (*ISSUE23_SCENARIOS, "realistic"):
            koa = _cpu(summary, "koa/uvloop", scenario)
            if ("koa/uvloop", scenario) not in summary:
                continue
            node = _cpu(summary, "koajs/node", scenario)
            measured = not (_nan(koa) or _nan(node))
            checks.append(
                Check(
                    f"{scenario}: below Koa.js on Node",
                    "uvloop",
                    scenario,
                    koa,
                    f"{LABELS['koajs']} {fmt(node, '.1f')}",
                    koa < node if measured else None,
                )
            )
            if scenario == "realistic":
                continue
            rivals = {
                fw: v
                for fw in PY_RIVALS
                if f"{fw}/uvloop" in keys and not _nan(v := _cpu(summary, f"{fw}/uvloop", scenario))
            }
            at_or_below = scenario == "json_post"
            raw = _cpu(summary, "raw/uvloop", scenario)
            if rivals:
                best = min(rivals, key=lambda fw: rivals[fw])
                against = f"lowest: {LABELS[best]} {rivals[best]:.1f}"
                if len(rivals) < len(PY_RIVALS):
                    against += f" (only {len(rivals)} of {len(PY_RIVALS)} measured)"
                ok: bool | None = not _nan(koa) and (
                    koa <= rivals[best] if at_or_below else koa < rivals[best]
                )
            else:
                against, ok = "no Python framework measured", None
            against += f"; raw aiohttp {fmt(raw, '.1f')}, the baseline, not a target"
            checks.append(
                Check(
                    f"{scenario}: {'at or below' if at_or_below else 'below'} every Python "
                    "framework",
                    "uvloop",
                    scenario,
                    koa,
                    against,
                    ok,
                )
            )
    if "koa/asyncio" in keys:
        for scenario, target in ISSUE23_ASYNCIO_TARGETS.items():
            s = summary.get(("koa/asyncio", scenario))
            if s is None:
                continue
            raw = _cpu(summary, "raw/asyncio", scenario)
            checks.append(
                Check(
                    f"{scenario}: CPU-time ratio to raw aiohttp >= {target:.2f}",
                    "asyncio",
                    scenario,
                    s.cpu_us,
                    f"raw aiohttp {fmt(raw, '.1f')}: ratio {fmt(s.cpu_ratio, '.3f')} "
                    f"(req/s ratio {fmt(s.ratio, '.3f')})",
                    None if _nan(s.cpu_ratio) else s.cpu_ratio >= target,
                )
            )
    return checks


def issue23_section(peers: list[Peer], summary: dict[tuple[str, str], Summary]) -> list[str]:
    checks = issue23_checks(peers, summary)
    if not checks:
        return []
    met = sum(1 for c in checks if c.met)
    lines = [
        "## Targets of issue 23 (server CPU µs per request)",
        "",
        "Medians over rounds of the server's CPU µs per request (lower is better). On uvloop "
        "Koa for Python must be below Koa.js on Node in `plaintext_router`, `json_router`, "
        "`json_post`, `middleware10` and `realistic`, and below every Python framework "
        f"({', '.join(LABELS[fw] for fw in PY_RIVALS)}) in the first four (`json_post`: at "
        "or below); raw aiohttp.web.Server is the baseline of the ratios, not one of them. "
        "On the default asyncio loop the CPU-time ratio to raw aiohttp (raw's µs ÷ Koa's, "
        "same round) must be at least the figure given. "
        f"**{met} of {len(checks)} met.**",
        "",
        "| Target | Loop | Koa for Python µs/req | compared with (µs/req) | met |",
        "|---|---|---:|---|---|",
    ]
    for c in checks:
        shown = "not measured" if c.met is None else _yes(c.met)
        lines.append(f"| {c.target} | {c.loop} | {fmt(c.koa_us, '.1f')} | {c.against} | {shown} |")
    return [*lines, ""]


def cpu_table(
    peers: list[Peer], scenarios: list[str], summary: dict[tuple[str, str], Summary]
) -> list[str]:
    """Every peer's median server CPU µs per request, one column per scenario."""
    shown = [s for s in scenarios if s != LOGGER_SCENARIO]
    lowest = {}
    for scenario in shown:
        values = [v for p in peers if not _nan(v := _cpu(summary, p.key, scenario))]
        lowest[scenario] = min(values) if values else float("nan")
    lines = [
        "## CPU µs per request",
        "",
        "The server's CPU time (user + system) per response, median over rounds; lower is "
        "better. Rows are frameworks on a loop, columns the scenarios; the lowest of each "
        "column is in bold. `plaintext` is the framework's most direct answer (Koa: one "
        "middleware; raw aiohttp: its handler), `plaintext_router` the same hello through "
        "the framework's router (the same app as `plaintext` for raw aiohttp and for the "
        "frameworks that only answer through their router). A ⚠ marks a figure from a test "
        "with errors or failed rounds (see the detail tables).",
        "",
        "| CPU µs/request | " + " | ".join(shown) + " |",
        "|---|" + "---:|" * len(shown),
    ]
    for peer in peers:
        name = peer.label if peer.loop == "node" else f"{peer.label}, {peer.loop}"
        if peer.framework == "koa":
            name = f"**{name}**"
        cells = []
        for scenario in shown:
            s = summary.get((peer.key, scenario))
            value = float("nan") if s is None else s.cpu_us
            cell = fmt(value, ".1f")
            if not _nan(value) and value == lowest[scenario]:
                cell = f"**{cell}**"
            if s is not None and (s.errors or s.failures):
                cell += " ⚠"
            cells.append(cell)
        if any(c != "-" for c in cells):
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def write_report(
    path: Path,
    chart: Path | None,
    opts: argparse.Namespace,
    peers: list[Peer],
    scenarios: list[str],
    results: list[Measurement],
    overhead: str,
    started: datetime,
    hotspots: str = "",
) -> None:
    summary = summarise(peers, scenarios, results)
    keys = [p.key for p in peers]
    ver = versions()
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `bench/run.sh{' --quick' if opts.quick else ''}` on "
        f"{started:%Y-%m-%d %H:%M} UTC"
        + (f" in {opts.elapsed_min} min. " if getattr(opts, "elapsed_min", None) else ". ")
        + "See [README.md](README.md) for what each scenario is and how to read this.",
        "",
        f"- Machine: {cpu_model()}, {os.cpu_count()} CPUs, Linux {platform.release()}. "
        f"Server on CPU {SERVER_CPU}, wrk on CPU {CLIENT_CPU}. The machine was shared with "
        "other jobs during the run, so absolute numbers are noisy; ratios are taken "
        "within a round.",
        f"- wrk -t1 -c{opts.connections} --latency, {opts.rounds} interleaved round(s), "
        f"{opts.warmup:g} s warm-up + {opts.duration:g} s measured per test, "
        "one fresh server process per test. Figures are medians over rounds.",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in ver.items()),
        "- Read the CPU-time ratios first. req/s ratios are squeezed towards 1 whenever the "
        "single wrk thread, not the server, is the bottleneck (with 2 CPUs it tops out near "
        "20k req/s here, so the faster servers leave CPU 0 partly idle), and they move with "
        "whatever else the machine runs; CPU time per request is neither client-bound nor "
        "much affected by other jobs.",
        "",
    ]
    lines += targets_section(peers, summary)
    lines += issue23_section(peers, summary)
    lines += cpu_table(peers, scenarios, summary)
    if chart is not None:
        lines += [f"![req/s ratio to raw aiohttp]({chart.name})", ""]
    lines += [
        "## Results per scenario",
        "",
        "ratio = req/s / raw aiohttp's req/s on the same loop in the same round (median over "
        "rounds; Koa.js is compared with raw aiohttp on uvloop, both being libuv-style loops). "
        "RSS = peak resident set (VmHWM) of the server process at the end of the test. "
        "CPU µs/req = the server's user + system CPU time during the measured run divided by "
        "the responses wrk counted; CPU-time ratio = raw aiohttp's CPU µs/req ÷ this one's "
        "(same round, median over rounds): the req/s ratio a quiet machine would show, much "
        "less sensitive than req/s to other jobs taking CPU time away. "
        "errors = non-2xx responses + socket errors seen by wrk.",
        "",
    ]
    for scenario in scenarios:
        lines += [
            f"### {scenario}: {SCENARIO_TITLES[scenario]}",
            "",
            "| Framework | Loop | req/s | ratio | p50 ms | p99 ms | peak RSS MiB "
            "| CPU µs/req | CPU-time ratio | errors |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for peer in peers:
            s = summary.get((peer.key, scenario))
            if s is None:
                continue
            if s.failures and not s.ratios and s.rps != s.rps:
                lines.append(f"| {peer.label} | {peer.loop} | failed: {s.failures[0][:80]} |||||||")
                continue
            name = f"**{peer.label}**" if peer.framework == "koa" else peer.label
            lines.append(
                f"| {name} | {peer.loop} | {fmt(s.rps, ',.0f')} | {fmt(s.ratio, '.3f')} | "
                f"{fmt(s.p50_ms, '.2f')} | {fmt(s.p99_ms, '.2f')} | {fmt(s.rss_mib, '.1f')} | "
                f"{fmt(s.cpu_us, '.1f')} | {fmt(s.cpu_ratio, '.3f')} | {s.errors} |"
            )
        lines.append("")
    lr = logger_ratios(peers, results)
    if lr:
        lines += [
            "## Cost of the request logger",
            "",
            f"`{LOGGER_SCENARIO}` (plaintext + koa-logger writing its two lines per request to a "
            "buffered file) against `plaintext` without a logger, same peer, same round.",
            "",
            "| Framework | Loop | req/s without | req/s with logger | req/s ratio with/without "
            "| CPU µs/req without | CPU µs/req with | CPU-time ratio with/without |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        cpu_lr = logger_ratios(peers, results, cpu=True)
        for peer in peers:
            if peer.key not in lr:
                continue
            plain = summary.get((peer.key, "plaintext"))
            logged = summary.get((peer.key, LOGGER_SCENARIO))
            nan = float("nan")
            lines.append(
                f"| {peer.label} | {peer.loop} | {fmt(plain.rps if plain else nan, ',.0f')}"
                f" | {fmt(logged.rps if logged else nan, ',.0f')} | "
                f"{median(lr[peer.key]):.3f} | {fmt(plain.cpu_us if plain else nan, '.1f')} | "
                f"{fmt(logged.cpu_us if logged else nan, '.1f')} | "
                f"{fmt(median(cpu_lr.get(peer.key, [])), '.3f')} |"
            )
        lines.append("")
    if overhead:
        lines += [
            "## In-process overhead",
            "",
            "`python3 bench/overhead.py`: microseconds per request that Koa adds on top of a raw "
            "aiohttp handler, calling both on a mocked request (no sockets).",
            "",
            "```",
            overhead.strip(),
            "```",
            "",
        ]
    if hotspots:
        lines += [
            "## Hotspots of Koa for Python",
            "",
            "`python3 bench/hotspots.py SCENARIO` (py-spy sampling the Koa server under the same "
            "wrk load) for the scenarios where a target was missed. own = the sampled frame was "
            "that function; total = it was on the stack; percentages of the busy samples.",
            "",
            hotspots.strip(),
            "",
        ]
    lines += [
        "## Per-round req/s",
        "",
        "| Scenario | Framework | Loop | "
        + " | ".join(f"round {r}" for r in range(1, opts.rounds + 1))
        + " |",
        "|---|---|---|" + "---:|" * opts.rounds,
    ]
    by = {(m.peer, m.scenario, m.round): m for m in results}
    for scenario in scenarios:
        for peer in peers:
            cells = []
            for r in range(1, opts.rounds + 1):
                m = by.get((peer.key, scenario, r))
                cells.append("-" if m is None else ("failed" if m.error else f"{m.rps:,.0f}"))
            if any(c != "-" for c in cells):
                lines.append(
                    f"| {scenario} | {peer.label} | {peer.loop} | " + " | ".join(cells) + " |"
                )
    lines.append("")
    failures = [m for m in results if m.error]
    if failures:
        lines += ["## Failures", ""]
        lines += [f"- {m.peer} {m.scenario} round {m.round}: {m.error[:300]}" for m in failures]
        lines.append("")
    path.write_text("\n".join(lines))
    del keys


def draw_chart(
    path: Path, peers: list[Peer], scenarios: list[str], results: list[Measurement]
) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is missing: no chart", file=sys.stderr)
        return False
    summary = summarise(peers, scenarios, results)
    shown = [s for s in scenarios if s != LOGGER_SCENARIO]
    groups = [("asyncio", "default asyncio loop"), ("uvloop", "uvloop (Koa.js: Node)")]
    groups = [g for g in groups if any(p.loop == g[0] for p in peers)]
    fig, axes = plt.subplots(
        len(groups), 1, figsize=(15, 4.8 * len(groups)), squeeze=False, constrained_layout=True
    )
    colours = {
        "aiohttp": "#7f7f7f",
        "starlette": "#2ca02c",
        "fastapi": "#17becf",
        "litestar": "#bcbd22",
        "blacksheep": "#8c564b",
        "sanic": "#9467bd",
        "koa": "#d62728",
        "koajs": "#1f77b4",
    }
    for ax, (loop, title) in zip(axes[:, 0], groups, strict=True):
        members = [
            p
            for p in peers
            if p.framework != "raw" and (p.loop == loop or (p.loop == "node" and loop == "uvloop"))
        ]
        if loop == "asyncio" and not any(g[0] == "uvloop" for g in groups):
            members += [p for p in peers if p.loop == "node" and p not in members]
        width = 0.8 / max(1, len(members))
        for j, peer in enumerate(members):
            xs = [i + (j - (len(members) - 1) / 2) * width for i in range(len(shown))]
            ys = [summary[(peer.key, s)].ratio if (peer.key, s) in summary else 0.0 for s in shown]
            bars = ax.bar(xs, ys, width * 0.92, label=peer.label, color=colours[peer.framework])
            ax.bar_label(
                bars, labels=[f"{y:.2f}" if y else "" for y in ys], fontsize=6, rotation=90
            )
            cpu = [
                summary[(peer.key, s)].cpu_ratio if (peer.key, s) in summary else float("nan")
                for s in shown
            ]
            ax.scatter(
                xs,
                cpu,
                marker="D",
                s=18,
                color="black",
                zorder=3,
                label="CPU-time ratio" if j == 0 else None,
            )
        for i, s in enumerate(shown):
            if s in RATIO_TARGETS:
                ax.hlines(RATIO_TARGETS[s], i - 0.45, i + 0.45, colors="#d62728", linestyles=":")
            if loop == "asyncio" and s in ISSUE23_ASYNCIO_TARGETS:
                target = ISSUE23_ASYNCIO_TARGETS[s]
                ax.hlines(target, i - 0.45, i + 0.45, colors="#ff7f0e", linestyles="--")
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks(range(len(shown)), shown)
        ax.set_ylabel("÷ raw aiohttp (same round)")
        ax.set_title(
            f"{title}: req/s ratio to raw aiohttp.web.Server (bars), CPU-time ratio (◆), "
            + (
                "Koa targets (dotted; issue 23's CPU-time targets: dashed)"
                if loop == "asyncio"
                else "Koa targets (dotted)"
            ),
            fontsize=10,
        )
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=5)
        ax.set_xlim(-0.5, len(shown) - 0.5)
        ax.set_ylim(0, max(1.3, ax.get_ylim()[1]))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def missed(peers: list[Peer], results: list[Measurement], loop: str) -> list[str]:
    """The scenarios where Koa for Python on *loop* missed a target: its
    req/s-ratio targets (by the req/s ratio or by the CPU-time ratio), the
    realistic stack, or one of issue 23's CPU µs targets."""
    summary = summarise(peers, list(SCENARIOS), results)
    out = []
    for scenario in SCENARIOS:
        s = summary.get((f"koa/{loop}", scenario))
        if s is None:
            continue
        if scenario in RATIO_TARGETS:
            target = RATIO_TARGETS[scenario]
            if not (s.ratio >= target and s.cpu_ratio >= target):
                out.append(scenario)
        elif scenario == "realistic":
            rivals = [summary.get((f"{fw}/{loop}", scenario)) for fw in ("aiohttp", "starlette")]
            if any(r is not None and (r.rps >= s.rps or r.cpu_us <= s.cpu_us) for r in rivals):
                out.append(scenario)
    for check in issue23_checks(peers, summary):
        if check.loop == loop and check.met is False and check.scenario not in out:
            out.append(check.scenario)
    return out


def profile_missed(
    peers: list[Peer], opts: argparse.Namespace, results: list[Measurement], work: Path
) -> str:
    from hotspots import profile

    loop = opts.loops[0]
    sections = []
    for scenario in missed(peers, results, loop):
        print(f"profiling koa/{loop} {scenario}", flush=True)
        try:
            sections.append(profile(scenario, "koa", loop, max(opts.duration, 5), 15, work))
        except (RuntimeError, OSError, subprocess.SubprocessError) as err:
            sections.append(f"profiling {scenario} failed: {err}\n")
    return "\n".join(sections)


def run_overhead() -> str:
    script = BENCH / "overhead.py"
    if not script.exists():
        return ""
    try:
        done = subprocess.run(
            ["taskset", "-c", SERVER_CPU, sys.executable, str(script)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        return "bench/overhead.py timed out"
    return done.stdout if done.returncode == 0 else f"bench/overhead.py failed: {done.stderr}"


# -- main --------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1 round, 2 s, default loop only")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 3)")
    parser.add_argument("--duration", type=float, help="measured seconds per test (default 5)")
    parser.add_argument("--warmup", type=float, help="warm-up seconds per test (default 1)")
    parser.add_argument("--connections", type=int, default=64, help="wrk -c (default 64)")
    parser.add_argument(
        "--frameworks",
        default=",".join([*PY_FRAMEWORKS, "koajs"]),
        help=f"comma-separated among {','.join(LABELS)} (raw is always kept)",
    )
    parser.add_argument("--loops", help="comma-separated among asyncio,uvloop")
    parser.add_argument(
        "--scenarios",
        default=",".join([*SCENARIOS, LOGGER_SCENARIO]),
        help="comma-separated scenarios (default: all)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="then profile Koa for Python (py-spy, bench/hotspots.py) where it missed a target",
    )
    parser.add_argument(
        "--report-only",
        type=Path,
        metavar="RESULTS_JSON",
        help="only rewrite RESULTS.md and ratios.png from a saved results.json",
    )
    parser.add_argument("--no-overhead", action="store_true", help="skip bench/overhead.py")
    parser.add_argument("--out", type=Path, help="report directory (default: see above)")
    parser.add_argument(
        "--max-minutes", type=float, default=90, help="stop starting new tests after this"
    )
    opts = parser.parse_args(argv)
    quick = opts.quick
    opts.rounds = opts.rounds or (1 if quick else 3)
    opts.duration = opts.duration or (2.0 if quick else 5.0)
    opts.warmup = 1.0 if opts.warmup is None else opts.warmup
    opts.loops = (opts.loops or ("asyncio" if quick else "asyncio,uvloop")).split(",")
    opts.out_given = opts.out is not None
    opts.out = opts.out or (BENCH / "results" if quick else BENCH)
    frameworks = [f for f in opts.frameworks.split(",") if f]
    if "raw" not in frameworks:
        frameworks.insert(0, "raw")
    unknown = set(frameworks) - set(LABELS) | set(opts.loops) - {"asyncio", "uvloop"}
    scenarios = [s for s in opts.scenarios.split(",") if s]
    unknown |= set(scenarios) - set(SCENARIO_TITLES)
    if unknown:
        parser.error(f"unknown: {', '.join(sorted(unknown))}")
    opts.frameworks = frameworks
    opts.scenario_list = scenarios
    return opts


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # its parent package is missing
        return False


def check_tools(peers: list[Peer]) -> None:
    missing = [t for t in ("wrk", "taskset") if shutil.which(t) is None]
    if any(p.framework == "koajs" for p in peers):
        if shutil.which("node") is None:
            missing.append("node")
        elif not (NODE_DIR / "node_modules" / "koa").is_dir():
            missing.append("bench/node/node_modules (npm ci --prefix bench/node)")
    needs = {p.framework: PEER_MODULES.get(p.framework, ()) for p in peers}
    if any(p.loop == "uvloop" for p in peers):
        needs["uvloop"] = ("uvloop",)
    for modules in needs.values():
        missing += [m for m in modules if not _importable(m) and m not in missing]
    if missing:
        raise SystemExit(f"missing: {', '.join(missing)}; run bench/run.sh to install them")


def plan(opts: argparse.Namespace, peers: list[Peer]) -> list[tuple[int, str, Peer]]:
    """Round by round, scenario by scenario, every peer in turn (A B C A B C)."""
    steps = []
    for rnd in range(1, opts.rounds + 1):
        for scenario in opts.scenario_list:
            for peer in peers:
                if scenario == LOGGER_SCENARIO and peer.framework not in ("koa", "koajs"):
                    continue
                steps.append((rnd, scenario, peer))
    return steps


def publish(
    opts: argparse.Namespace,
    peers: list[Peer],
    results: list[Measurement],
    overhead: str,
    started: datetime,
    hotspots: str,
) -> None:
    """Write RESULTS.md and ratios.png into ``opts.out``."""
    opts.out.mkdir(parents=True, exist_ok=True)
    chart = opts.out / "ratios.png"
    drawn = draw_chart(chart, peers, opts.scenario_list, results)
    report = opts.out / "RESULTS.md"
    write_report(
        report,
        chart if drawn else None,
        opts,
        peers,
        opts.scenario_list,
        results,
        overhead,
        started,
        hotspots,
    )
    print(f"wrote {report} and {chart if drawn else '(no chart)'}")


def report_only(path: Path, out: Path | None) -> int:
    """Rewrite the report and chart from a saved results.json."""
    data = json.loads(path.read_text())
    saved = data["options"]
    opts = argparse.Namespace(**saved)
    if isinstance(saved.get("rounds"), str):  # files written before options were typed
        import ast

        for key, value in saved.items():
            with contextlib.suppress(ValueError, SyntaxError):
                setattr(opts, key, ast.literal_eval(value))
    opts.out = out or (BENCH / "results" if opts.quick else BENCH)
    peers = [Peer(**p) for p in data["peers"]]
    results = [Measurement(**m) for m in data["measurements"]]
    started = datetime.fromisoformat(data["started"])
    publish(opts, peers, results, data.get("overhead", ""), started, data.get("hotspots", ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    if opts.report_only:
        return report_only(opts.report_only, opts.out if opts.out_given else None)
    peers = make_peers(opts.frameworks, opts.loops)
    check_tools(peers)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    interrupted = False
    started = datetime.now(UTC)
    steps = plan(opts, peers)
    per_step = opts.duration + opts.warmup + 1.5
    print(
        f"{len(steps)} tests: {len(peers)} servers x {len(opts.scenario_list)} scenarios x "
        f"{opts.rounds} round(s), about {len(steps) * per_step / 60:.0f} min",
        flush=True,
    )
    results: list[Measurement] = []
    hotspots = ""
    opts.out.mkdir(parents=True, exist_ok=True)
    raw_dir = BENCH / "results"
    raw_dir.mkdir(exist_ok=True)
    deadline = time.monotonic() + opts.max_minutes * 60
    with tempfile.TemporaryDirectory(prefix="koa-bench-") as tmp:
        work = Path(tmp)
        (work / "static").mkdir()
        (work / "static" / STATIC_NAME).write_bytes(static_body())
        (work / "body.json").write_bytes(post_body())
        try:
            for i, (rnd, scenario, peer) in enumerate(steps, 1):
                if time.monotonic() > deadline:
                    print(f"--max-minutes reached: {len(steps) - i + 1} tests skipped")
                    break
                m = measure(peer, scenario, rnd, opts, work)
                results.append(m)
                shown = (
                    f"ERROR {m.error[:200]}"
                    if m.error
                    else (
                        f"{m.rps:10,.0f} req/s  p50 {m.p50_ms:6.2f} ms  p99 {m.p99_ms:6.2f} ms  "
                        f"RSS {m.peak_rss_kib / 1024:5.1f} MiB  "
                        f"CPU {m.cpu_us_per_request:6.1f} µs/req"
                        + (
                            f"  errors {m.non_2xx + m.socket_errors}"
                            if m.non_2xx + m.socket_errors
                            else ""
                        )
                    )
                )
                print(
                    f"[{i:3}/{len(steps)}] r{rnd} {scenario:16} {peer.key:18} {shown}", flush=True
                )
            if opts.profile:
                hotspots = profile_missed(peers, opts, results, work)
        except KeyboardInterrupt:
            print("interrupted: writing what was measured", file=sys.stderr)
            interrupted = True
        finally:
            kill_all()
    overhead = "" if opts.no_overhead or interrupted else run_overhead()
    opts.elapsed_min = round((datetime.now(UTC) - started).total_seconds() / 60)
    raw_json = opts.out / "results.json" if opts.out != BENCH else raw_dir / "results.json"
    raw_json.write_text(
        json.dumps(
            {
                "started": started.isoformat(),
                "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(opts).items()},
                "peers": [asdict(p) for p in peers],
                "measurements": [asdict(m) for m in results],
                "overhead": overhead,
                "hotspots": hotspots,
            },
            indent=1,
        )
    )
    publish(opts, peers, results, overhead, started, hotspots)
    print(f"raw data: {raw_json}")
    if interrupted:
        return 130
    return 1 if any(m.error for m in results) else 0


if __name__ == "__main__":
    sys.exit(main())
