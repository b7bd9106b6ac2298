"""What every peer server shares: the scenarios, the routes, the payloads and
the log line format, so that each framework serves exactly the same thing."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import IO

#: The scenarios, in the order the suite runs them.
SCENARIOS = (
    "plaintext",
    "plaintext_router",
    "json_router",
    "json_post",
    "middleware10",
    "realistic",
)
#: Extra scenario for the logger cost: plaintext plus a request logger to a file.
LOGGER_SCENARIO = "plaintext_logger"

HELLO = "Hello, World!"
ROUTES = 100
MIDDLEWARE = 10
STATIC_PREFIX = "/static"
STATIC_NAME = "style.css"
POST_PATH = "/api/items"


def route_path(i: int) -> str:
    """The i-th parametrised route, without its ``:id`` / ``{id}`` parameter."""
    return f"/api/v1/res{i}"


def route_reply(i: int, id: str) -> dict[str, object]:
    """The JSON every framework answers for ``GET /api/v1/res{i}/{id}``."""
    return {"route": i, "id": id}


def post_reply(body: dict[str, object]) -> dict[str, object]:
    """The JSON every framework answers for a parsed POST body."""
    items = body.get("items")
    return {"received": len(items) if isinstance(items, list) else 0}


def post_body() -> bytes:
    """The ~1 KB JSON body the POST scenarios send."""
    items = [
        {
            "id": i,
            "name": f"item-{i}",
            "price": round(9.99 + i, 2),
            "tags": ["bench", "koa", f"t{i}"],
            "in_stock": i % 2 == 0,
        }
        for i in range(10)
    ]
    return json.dumps({"items": items, "note": "x" * 120}).encode()


def static_body() -> bytes:
    """The 2 KiB file the realistic stack serves under /static."""
    line = b"body { margin: 0; padding: 0; font-family: sans-serif; color: #222; }\n"
    return (line * (2048 // len(line) + 1))[:2048]


@dataclass(frozen=True)
class Config:
    """Where a server listens and what it uses."""

    port: int
    static_dir: str
    log_path: str


class LineLog:
    """koa-logger's dev lines (no colours) written to a buffered file, for the
    frameworks that have no koa-logger: the same bytes per request for all."""

    __slots__ = ("_file",)

    def __init__(self, path: str) -> None:
        self._file: IO[str] = open(path, "a", encoding="utf-8")  # noqa: SIM115

    def request(self, method: str, url: str) -> float:
        self._file.write(f"  <-- {method} {url}\n")
        return time.perf_counter()

    def response(self, method: str, url: str, status: int, start: float, size: int | None) -> None:
        ms = int((time.perf_counter() - start) * 1000)
        length = "-" if size is None else _human_bytes(size)
        self._file.write(f"  --> {method} {url} {status} {ms}ms {length}\n")

    def write(self, line: str) -> None:
        self._file.write(line + "\n")


def _human_bytes(n: int) -> str:
    if n < 1024:
        return f"{n}b"
    return f"{n / 1024:.2f}kb".replace(".00kb", "kb")
