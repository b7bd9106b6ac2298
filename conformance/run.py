"""The conformance runner: the same raw requests to Koa.js and to Koa for Python.

``hatch run conformance [SCENARIO ...] [-k TEXT] [-v]`` (after ``npm ci`` in
``conformance/``). For each scenario under ``scenarios/`` it starts the Koa.js
app(s) (``node serve.js``) and the Python app(s) (``python serve.py``) on
loopback ports the OS picks, sends every request of its ``requests.py`` on a
fresh connection to each, and compares the answers: interim (1xx) statuses,
status, reason, headers (names case-insensitive, order kept only among lines of
one name, minus the incidental ones), body (structurally for JSON) and, when the
scenario asks for it, the log lines each server printed for the request.

A difference listed in ``deviations.toml`` counts as accepted (ours is the
better answer) or known (a divergence not yet fixed, tracked in issue 17); any
other difference fails the run. The last line reads
``conformance: I identical, A accepted, K known of T``.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from kit import Request, repeated_names  # noqa: E402

SCENARIOS = HERE / "scenarios"
DEVIATIONS = HERE / "deviations.toml"

#: Headers that differ between any two servers: when, who, and how the
#: connection is kept. Everything else must match.
INCIDENTAL_HEADERS = frozenset({"date", "server", "connection", "keep-alive"})
#: The biggest answer read (a scenario that needs more is doing something odd).
MAX_ANSWER = 16 * 1024 * 1024
#: Seconds a server has to print READY (Python imports on a loaded machine).
START_TIMEOUT = 60.0
#: Seconds to wait for a request's log lines after its answer.
LOG_WAIT = 3.0


# --------------------------------------------------------------------------- #
# Scenarios
# --------------------------------------------------------------------------- #


@dataclass
class Scenario:
    """A directory of ``scenarios/``: app.js, app.py and requests.py."""

    name: str
    path: Path
    requests: list[Request]
    #: Regex of the log lines compared (None: logs are not compared).
    log_pattern: re.Pattern[str] | None = None
    #: Lines each request is expected to log (the wait stops early at this).
    log_lines: int = 2
    #: Rewrites a log line before comparing (e.g. durations).
    normalize_log: Callable[[str], str] = field(default=str)
    #: Headers that are incidental in this scenario too.
    ignore_headers: frozenset[str] = frozenset()


def _import(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_scenario(path: Path) -> Scenario:
    """Read a scenario directory (refusing one that misses a file)."""
    for needed in ("app.js", "app.py", "requests.py"):
        if not (path / needed).is_file():
            raise SystemExit(f"scenario {path.name}: {needed} is missing (see README.md)")
    module = _import(path / "requests.py", f"conformance_requests_{path.name.replace('-', '_')}")
    requests = list(module.REQUESTS)
    repeated = repeated_names(requests)
    if repeated:
        raise SystemExit(f"scenario {path.name}: request names used twice: {', '.join(repeated)}")
    scenario = Scenario(path.name, path, requests)
    pattern = getattr(module, "LOG_PATTERN", None)
    if pattern is not None:
        scenario.log_pattern = re.compile(pattern)
        scenario.log_lines = int(getattr(module, "LOG_LINES", 2))
        scenario.normalize_log = getattr(module, "normalize_log", lambda line: line)
    scenario.ignore_headers = frozenset(h.lower() for h in getattr(module, "IGNORE_HEADERS", ()))
    return scenario


def all_scenarios() -> list[Path]:
    """Every scenario directory, by name."""
    return sorted(p for p in SCENARIOS.iterdir() if p.is_dir() and (p / "requests.py").exists())


# --------------------------------------------------------------------------- #
# Servers
# --------------------------------------------------------------------------- #


_LIBC = ctypes.CDLL(None) if sys.platform == "linux" else None


def _die_with_parent() -> None:
    """In the child, before exec: be killed when the runner dies, however it
    dies (prctl PR_SET_PDEATHSIG), so no server outlives a killed run. (libc
    is loaded before the fork: the child imports nothing.)"""
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Server:
    """One side's server process: its ports by app name and its output lines."""

    def __init__(self, side: str, argv: list[str], cwd: Path) -> None:
        self.side = side
        self.ports: dict[str, int] = {}
        self.lines: list[str] = []
        self._changed = threading.Condition()
        env = dict(os.environ, NO_COLOR="1", NODE_ENV="development", KOA_ENV="development")
        env.pop("FORCE_COLOR", None)
        self.process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if _LIBC is not None else None,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw_line in self.process.stdout:
            line = raw_line.decode("utf-8", "replace").rstrip("\r\n")
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()

    def wait_ready(self) -> None:
        """Wait for READY; fail with the server's output if it never comes."""
        deadline = time.monotonic() + START_TIMEOUT
        with self._changed:
            while "READY" not in self.lines:
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and "READY" not in self.lines):
                    output = "\n".join(self.lines[-40:])
                    raise RuntimeError(f"the {self.side} server did not start:\n{output}")
                self._changed.wait(min(left, 0.2))
            for line in self.lines[: self.lines.index("READY")]:
                if line.startswith("LISTENING "):
                    _, name, port = line.split()
                    self.ports[name] = int(port)

    def mark(self) -> int:
        """Where the output is now (log lines after this belong to the next request)."""
        with self._changed:
            return len(self.lines)

    def lines_since(self, mark: int) -> list[str]:
        with self._changed:
            return self.lines[mark:]

    def wait_lines(self, mark: int, pattern: re.Pattern[str], count: int, deadline: float) -> None:
        """Wait until *count* lines matching *pattern* came after *mark*, or the deadline."""
        with self._changed:
            while sum(1 for line in self.lines[mark:] if pattern.search(line)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._changed.wait(left)

    def stop(self) -> None:
        """Kill the process (always: the runner never leaves a server behind)."""
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a wedged process
            pass
        self._reader.join(timeout=2)


# --------------------------------------------------------------------------- #
# One exchange over a socket
# --------------------------------------------------------------------------- #


@dataclass
class Answer:
    """What a server answered to one request."""

    #: "" for a complete answer, else "closed", "timeout", "reset", "malformed: ..."
    error: str = ""
    interim: list[int] = field(default_factory=list)
    status: int | None = None
    reason: str = ""
    version: str = ""
    #: Lower-cased name -> values, in the order sent.
    headers: dict[str, list[str]] = field(default_factory=dict)
    body: bytes = b""
    log: list[str] = field(default_factory=list)
    #: The answers that followed on the connection (pipelined requests).
    followups: list[Answer] = field(default_factory=list)

    def summary(self) -> str:
        """``200 OK`` or the error."""
        if self.status is None:
            return self.error or "no answer"
        text = f"{self.status} {self.reason}".strip()
        text = f"{text} ({self.error})" if self.error else text
        return text + (f" +{len(self.followups)}" if self.followups else "")


class _Closed(Exception):
    pass


class _Reader:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""
        self.total = 0

    def _fill(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise _Closed
        self.total += len(data)
        if self.total > MAX_ANSWER:
            raise ValueError("answer too large")
        self.buffer += data

    def until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            self._fill()
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def to_eof(self) -> bytes:
        try:
            while True:
                self._fill()
        except _Closed:
            pass
        data, self.buffer = self.buffer, b""
        return data


def _read_answer(reader: _Reader, is_head: bool, answer: Answer) -> None:
    while True:
        head = reader.until(b"\r\n\r\n").decode("latin-1")
        status_line, *header_lines = head.split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
            answer.error = f"malformed: status line {status_line!r}"
            return
        status = int(parts[1])
        if 100 <= status < 200 and status != 101:
            answer.interim.append(status)
            continue
        answer.status = status
        answer.version = parts[0]
        answer.reason = parts[2] if len(parts) > 2 else ""
        for line in header_lines:
            name, sep, value = line.partition(":")
            if not sep:
                answer.error = f"malformed: header line {line!r}"
                return
            answer.headers.setdefault(name.strip().lower(), []).append(value.strip())
        break
    if is_head or status in (204, 304) or status < 200:
        return
    if "chunked" in ",".join(answer.headers.get("transfer-encoding", [])).lower():
        body = b""
        while True:
            size_line = reader.until(b"\r\n").split(b";")[0].strip()
            size = int(size_line, 16)
            if size == 0:
                reader.until(b"\r\n")  # trailers, if any, end with an empty line
                break
            body += reader.exactly(size)
            reader.exactly(2)
        answer.body = body
    elif "content-length" in answer.headers:
        answer.body = reader.exactly(int(answer.headers["content-length"][0]))
    else:
        answer.body = reader.to_eof()


def exchange(port: int, request: Request) -> Answer:
    """Send the request on a new connection and read one answer."""
    answer = Answer()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=request.timeout) as sock:
            sock.settimeout(request.timeout)
            try:
                sock.sendall(request.data)
                if request.half_close:
                    sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the server may answer (and close) before reading everything
            reader = _Reader(sock)
            heads = request.heads or (request.is_head,)
            current = answer
            for n, is_head in enumerate(heads):
                if n:
                    current = Answer()
                    answer.followups.append(current)
                _read_guarded(reader, is_head, current)
                if current.error:
                    break
    except OSError as error:
        answer.error = f"connect: {error}"
    return answer


def _read_guarded(reader: _Reader, is_head: bool, answer: Answer) -> None:
    try:
        _read_answer(reader, is_head, answer)
    except _Closed:
        answer.error = "closed"
    except TimeoutError:
        answer.error = "timeout"
    except ConnectionResetError:
        answer.error = "reset"
    except ValueError as error:
        answer.error = f"malformed: {error}"


# --------------------------------------------------------------------------- #
# Comparing
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Difference:
    """One field that differs: ``status``, ``header content-type``, ``body``..."""

    field: str
    koa: str
    ours: str


def _canonical(value: Any) -> Any:
    # JSON's 1 and 1.0 are one number; Python's True == 1 must not hide a difference
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def _json(answer: Answer) -> Any:
    """The body parsed, canonical, if it is JSON (else ValueError)."""
    content_type = ",".join(answer.headers.get("content-type", [])).lower()
    if "json" not in content_type:
        raise ValueError("not JSON")
    return _canonical(json.loads(answer.body))


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _json_paths(a: Any, b: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Where two JSON values differ (``.key`` / ``[i]`` paths), type-strict."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(a.keys() | b.keys()):
            missing = "<absent>"
            out += _json_paths(a.get(key, missing), b.get(key, missing), f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out += _json_paths(x, y, f"{path}[{i}]")
        return out
    return [] if _dump(a) == _dump(b) else [(path, a, b)]


def _show(value: Any, limit: int = 300) -> str:
    text = value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else str(value)
    text = repr(text) if isinstance(value, bytes) else text
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def _framing(answer: Answer) -> str | None:
    """How a body with content was delimited: "length" or "chunked" (None
    otherwise: no body, both headers, or read to the connection's end)."""
    if not answer.body:
        return None
    chunked = "transfer-encoding" in answer.headers
    length = "content-length" in answer.headers
    if chunked == length:
        return None
    return "chunked" if chunked else "length"


def compare(scenario: Scenario, koa: Answer, ours: Answer) -> list[Difference]:
    """The fields in which the two answers differ."""
    out: list[Difference] = []

    def check(name: str, a: Any, b: Any) -> None:
        if a != b:
            out.append(Difference(name, _show(a), _show(b)))

    check("error", koa.error, ours.error)
    check("interim", koa.interim, ours.interim)
    # The status line's HTTP version is not compared: Node always writes
    # HTTP/1.1, aiohttp answers an HTTP/1.0 (or unparsable) request with
    # HTTP/1.0; RFC 9110 §6.2 allows both.
    check("status", koa.status, ours.status)
    check("reason", koa.reason, ours.reason)
    ignored = INCIDENTAL_HEADERS | scenario.ignore_headers
    body_equal_as_json = False
    if koa.body != ours.body:
        try:
            paths = _json_paths(_json(koa), _json(ours))
        except ValueError:
            check("body", koa.body, ours.body)
        else:
            body_equal_as_json = not paths
            for where, a, b in paths:
                out.append(Difference(f"body {where}".rstrip(), _show(_dump(a)), _show(_dump(b))))
    if body_equal_as_json:
        # the same JSON written with other spacing or key order: its length differs
        ignored = ignored | {"content-length"}
    if (
        koa.body == ours.body
        and _framing(koa) != _framing(ours)
        and None
        not in (
            _framing(koa),
            _framing(ours),
        )
    ):
        # the same bytes, delimited by Content-Length on one side and chunked on
        # the other: message framing (RFC 9112 §6), not content
        ignored = ignored | {"content-length", "transfer-encoding"}
    for name in sorted((koa.headers.keys() | ours.headers.keys()) - ignored):
        check(f"header {name}", koa.headers.get(name), ours.headers.get(name))
    if scenario.log_pattern is not None:
        check("log", koa.log, ours.log)
    for n in range(max(len(koa.followups), len(ours.followups))):
        missing = Answer(error="no answer")
        a = koa.followups[n] if n < len(koa.followups) else missing
        b = ours.followups[n] if n < len(ours.followups) else missing
        for d in compare(scenario, a, b):
            if d.field != "log":
                out.append(Difference(f"answer {n + 2} {d.field}", d.koa, d.ours))
    return out


# --------------------------------------------------------------------------- #
# Deviations
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Deviation:
    """An entry of deviations.toml."""

    kind: str  # "accepted" or "known"
    scenario: str
    request: str
    differs: tuple[str, ...]
    koa: str
    ours: str
    why: str

    def covers(self, differences: Sequence[Difference]) -> bool:
        """Whether every differing field is one this entry lists (all when it lists none)."""
        if not self.differs:
            return True
        return all(any(_within(d.field, f) for f in self.differs) for d in differences)


_FOLLOWUP = re.compile(r"^answer \d+ ")


def _within(field: str, listed: str) -> bool:
    """``body .a[0]`` is within ``body .a``, ``body`` and ``body .a[0]``; a
    pipelined request's ``answer 2 header etag`` is within ``header etag``."""
    if not listed.startswith("answer "):
        field = _FOLLOWUP.sub("", field)
    return field == listed or (field.startswith(listed) and field[len(listed)] in " .[")


def load_deviations(path: Path = DEVIATIONS) -> dict[tuple[str, str], Deviation]:
    """The entries by (scenario, request), refusing an incomplete one."""
    data = tomllib.loads(path.read_text("utf-8"))
    out: dict[tuple[str, str], Deviation] = {}
    for kind in ("accepted", "known"):
        for entry in data.get(kind, []):
            missing = [k for k in ("scenario", "koa", "ours", "why") if not entry.get(k)]
            names = entry.get("requests", [entry["request"]] if "request" in entry else [])
            if missing or not names:
                missing += [] if names else ["request (or requests)"]
                raise SystemExit(f"deviations.toml: a [[{kind}]] entry lacks {', '.join(missing)}")
            if "*" in names and not entry.get("differs"):
                raise SystemExit('deviations.toml: a request = "*" entry must list `differs`')
            for name in names:
                key = (entry["scenario"], name)
                if key in out:
                    raise SystemExit(f"deviations.toml: {key[0]}/{key[1]} is listed twice")
                out[key] = Deviation(
                    kind,
                    entry["scenario"],
                    name,
                    tuple(entry.get("differs", ())),
                    entry["koa"],
                    entry["ours"],
                    entry["why"],
                )
    return out


def render_markdown(path: Path = DEVIATIONS) -> str:
    """deviations.toml as Markdown: per entry the requests (raw bytes), Koa.js's
    answer, ours and why (the docs page "Conformance with Koa.js" shows it)."""
    entries = tomllib.loads(path.read_text("utf-8"))
    requests: dict[tuple[str, str], Request] = {}
    for directory in all_scenarios():
        for request in load_scenario(directory).requests:
            requests[directory.name, request.name] = request
    out: list[str] = []
    titles = {
        "accepted": "Accepted deviations: ours is the better answer",
        "known": "Known divergences, not yet fixed (tracked in issue 17)",
    }
    for kind, title in titles.items():
        listed = entries.get(kind, [])
        count = sum(len(e.get("requests", [e.get("request")])) for e in listed)
        out += [f"## {title}", "", f"{count} requests in {len(listed)} entries.", ""]
        for entry in listed:
            names = entry.get("requests", [entry.get("request")])
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            out += [f"### {entry['scenario']}: {shown}", "", "```text"]
            for name in names:
                found = requests.get((entry["scenario"], name))
                data = repr(found.data)[2:-1] if found else "(no such request)"
                if name == "*":
                    data = "every request of the scenario, for: " + ", ".join(entry["differs"])
                out.append(f"{name}: {data[:300]}")
            out += ["```", "", "| Koa.js | Koa for Python |", "|---|---|"]
            cells = [_markdown_text(entry[k]).replace("|", "\\|") for k in ("koa", "ours")]
            out += [f"| {cells[0]} | {cells[1]} |", ""]
            label = "Why ours is better" if kind == "accepted" else "What is wrong"
            out += [f"**{label}:** {_markdown_text(entry['why'])}", ""]
    return "\n".join(out)


def _markdown_text(value: object) -> str:
    """Free text shown as written: no link, emphasis or HTML syntax."""
    text = " ".join(str(value).split())
    for char in "\\`*_[]>#":
        text = text.replace(char, "\\" + char)
    return text.replace("<", "&lt;")


# --------------------------------------------------------------------------- #
# Running
# --------------------------------------------------------------------------- #


@dataclass
class Outcome:
    """One request's result."""

    request: Request
    koa: Answer
    ours: Answer
    differences: list[Difference]
    verdict: str  # identical, accepted, known, DIFFERS
    stale: bool = False  # listed in deviations.toml but identical now


@dataclass
class Tally:
    identical: int = 0
    accepted: int = 0
    known: int = 0
    failed: int = 0
    total: int = 0

    def add(self, other: Tally) -> None:
        self.identical += other.identical
        self.accepted += other.accepted
        self.known += other.known
        self.failed += other.failed
        self.total += other.total


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("conformance: `node` (Node.js 20) is not on PATH")
    if not (HERE / "node_modules" / "koa").is_dir():
        raise SystemExit("conformance: run `npm ci` in conformance/ first")
    return node


def _ask(server: Server, request: Request, scenario: Scenario) -> Answer:
    port = server.ports.get(request.app)
    if port is None:
        raise SystemExit(f"{scenario.name}/{request.name}: no app named {request.app!r}")
    return exchange(port, request)


def run_scenario(
    scenario: Scenario,
    deviations: dict[tuple[str, str], Deviation],
    only: str | None,
) -> list[Outcome]:
    """Start both servers, send every request to each, compare."""
    requests = [r for r in scenario.requests if only is None or only in r.name]
    if not requests:
        return []
    where = str(scenario.path)
    koa = Server("Koa.js", [_node(), str(HERE / "serve.js"), where], scenario.path)
    ours = Server("Python", [sys.executable, str(HERE / "serve.py"), where], scenario.path)
    outcomes: list[Outcome] = []
    try:
        koa.wait_ready()
        ours.wait_ready()
        for request in requests:
            marks = koa.mark(), ours.mark()
            koa_answer = _ask(koa, request, scenario)
            our_answer = _ask(ours, request, scenario)
            if scenario.log_pattern is not None:
                deadline = time.monotonic() + LOG_WAIT
                sides = ((koa, marks[0], koa_answer), (ours, marks[1], our_answer))
                for server, mark, answer in sides:
                    server.wait_lines(mark, scenario.log_pattern, scenario.log_lines, deadline)
                    answer.log = [
                        scenario.normalize_log(line)
                        for line in server.lines_since(mark)
                        if scenario.log_pattern.search(line)
                    ]
            differences = compare(scenario, koa_answer, our_answer)
            verdict, stale = judge(deviations, scenario.name, request.name, differences)
            outcomes.append(Outcome(request, koa_answer, our_answer, differences, verdict, stale))
    finally:
        koa.stop()
        ours.stop()
    return outcomes


def judge(
    deviations: dict[tuple[str, str], Deviation],
    scenario: str,
    request: str,
    differences: list[Difference],
) -> tuple[str, bool]:
    """The verdict on one request's differences, and whether its own entry is stale.

    The scenario's ``request = "*"`` entry covers its listed fields on every
    request; the request's own entry must cover what remains."""
    entry = deviations.get((scenario, request))
    if not differences:
        return "identical", entry is not None
    rest = differences
    wildcard = deviations.get((scenario, "*"))
    if wildcard is not None:
        rest = [d for d in differences if not wildcard.covers([d])]
        if not rest:
            return wildcard.kind, False
    if entry is not None and entry.covers(rest):
        return entry.kind, False
    return "DIFFERS", False


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report(scenario: Scenario, outcomes: list[Outcome], verbose: bool) -> Tally:
    """Print the scenario's table and the details of what differs; count."""
    tally = Tally()
    rows = [["request", "Koa.js", "ours", "result", "differs in"]]
    for o in outcomes:
        tally.total += 1
        if o.verdict == "identical":
            tally.identical += 1
        elif o.verdict == "accepted":
            tally.accepted += 1
        elif o.verdict == "known":
            tally.known += 1
        else:
            tally.failed += 1
        fields = ", ".join(d.field for d in o.differences)
        verdict = o.verdict + (" (listed in deviations.toml: remove it)" if o.stale else "")
        rows.append([o.request.name, o.koa.summary(), o.ours.summary(), verdict, fields])
    print(
        f"\n== {scenario.name}: {tally.identical} identical, {tally.accepted} accepted, "
        f"{tally.known} known, {tally.failed} differ, of {tally.total}"
    )
    print(_table(rows))
    for o in outcomes:
        if o.differences and (o.verdict == "DIFFERS" or verbose):
            print(f"\n-- {scenario.name}/{o.request.name} ({o.verdict})")
            print(f"   request: {_show(o.request.data, 500)}")
            for d in o.differences:
                print(f"   {d.field}:\n      Koa.js: {d.koa}\n      ours:   {d.ours}")
    return tally


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: all)")
    parser.add_argument("-k", dest="only", help="only requests whose name contains this")
    parser.add_argument("-v", "--verbose", action="store_true", help="details of all differences")
    args = parser.parse_args(argv)
    deviations = load_deviations()
    paths = all_scenarios()
    if args.scenarios:
        by_name = {p.name: p for p in paths}
        unknown = [s for s in args.scenarios if s not in by_name]
        if unknown:
            have = ", ".join(by_name)
            raise SystemExit(f"conformance: no scenario {', '.join(unknown)} (have {have})")
        paths = [by_name[s] for s in args.scenarios]
    scenarios = [load_scenario(p) for p in paths]
    names = {(s.name, r.name) for s in scenarios for r in s.requests}
    ran = {s.name for s in scenarios}
    orphans = [f"{s}/{r}" for (s, r) in deviations if s in ran and r != "*" and (s, r) not in names]
    if orphans:
        print(f"conformance: deviations.toml lists requests no scenario has: {', '.join(orphans)}")
    total = Tally()
    started = time.monotonic()
    broken: list[str] = []
    stale: list[str] = []
    for scenario in scenarios:
        try:
            outcomes = run_scenario(scenario, deviations, args.only)
        except RuntimeError as error:
            print(f"\n== {scenario.name}: NOT RUN\n{error}")
            broken.append(scenario.name)
            continue
        total.add(report(scenario, outcomes, args.verbose))
        stale += [f"{scenario.name}/{o.request.name}" for o in outcomes if o.stale]
    if stale:
        print(
            f"\nconformance: {len(stale)} requests listed in deviations.toml answer identically "
            f"now (remove their entries once the fix is committed): {', '.join(stale)}"
        )
    if broken:
        print(f"\nconformance: scenarios that did not run: {', '.join(broken)}")
    print(f"\n({time.monotonic() - started:.1f} s; {total.failed} differ)")
    print(
        f"conformance: {total.identical} identical, {total.accepted} accepted, "
        f"{total.known} known of {total.total}"
    )
    return 1 if total.failed or orphans or broken else 0


if __name__ == "__main__":
    sys.exit(main())
