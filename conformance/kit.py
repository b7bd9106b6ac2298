"""What a scenario's ``requests.py`` uses to write its requests.

A request is raw bytes, sent as they are to Koa.js and to Koa for Python::

    from kit import raw, req

    REQUESTS = [
        req("plain-get", "GET", "/echo"),
        req("json-post", "POST", "/echo", [("Content-Type", "application/json")], b'{"a":1}'),
        raw("no-host-http10", b"GET /echo HTTP/1.0\\r\\n\\r\\n"),
    ]

``req()`` writes a well-formed request (``Host: localhost`` first unless given,
``Content-Length`` added for a body unless a length or ``Transfer-Encoding``
header is given or ``length=False``); ``raw()`` sends exactly the bytes given,
for malformed input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Header", "Request", "chunked", "pipeline", "raw", "repeated_names", "req"]

#: A header line: name and value, ``str`` (sent as UTF-8) or ``bytes`` (as is).
Header = tuple[str | bytes, str | bytes]


@dataclass(frozen=True, slots=True)
class Request:
    """One request of a scenario, sent on a fresh connection to each server."""

    #: Unique within the scenario: the deviations file refers to it.
    name: str
    #: The bytes written to the socket.
    data: bytes
    #: Which of the scenario's apps receives it (``apps`` in app.js / app.py).
    app: str = "main"
    #: Close our sending side after writing (a client that sent a short body).
    half_close: bool = False
    #: Seconds to wait for each read before calling the answer a timeout.
    timeout: float = 5.0
    #: What the request checks, shown in the deviations page.
    note: str = ""
    #: For pipelined requests (``pipeline()``): whether each one is a HEAD.
    heads: tuple[bool, ...] = ()

    @property
    def is_head(self) -> bool:
        """Whether the (first) answer has no body whatever its headers say."""
        return self.heads[0] if self.heads else self.data.startswith(b"HEAD ")

    @property
    def answers(self) -> int:
        """How many answers to read from the connection."""
        return max(1, len(self.heads))


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def raw(
    name: str,
    data: bytes,
    *,
    app: str = "main",
    half_close: bool = False,
    timeout: float = 5.0,
    note: str = "",
) -> Request:
    """A request of exactly these bytes."""
    return Request(name, data, app, half_close, timeout, note)


def req(
    name: str,
    method: str | bytes = "GET",
    target: str | bytes = "/",
    headers: Iterable[Header] = (),
    body: bytes | str = b"",
    *,
    app: str = "main",
    version: str = "HTTP/1.1",
    host: str | bytes | None = "localhost",
    length: bool = True,
    half_close: bool = False,
    timeout: float = 5.0,
    note: str = "",
) -> Request:
    """A request line, ``Host`` (unless ``host=None`` or given in *headers*),
    the headers in order, a ``Content-Length`` for a non-empty body (unless
    *length* is false or the headers frame the body), the body."""
    headers = list(headers)
    names = {_bytes(name).lower() for name, _ in headers}
    lines = [_bytes(method) + b" " + _bytes(target) + b" " + version.encode()]
    if host is not None and b"host" not in names:
        lines.append(b"Host: " + _bytes(host))
    lines += [_bytes(name) + b": " + _bytes(value) for name, value in headers]
    payload = _bytes(body)
    if payload and length and not names & {b"content-length", b"transfer-encoding"}:
        lines.append(b"Content-Length: " + str(len(payload)).encode())
    data = b"\r\n".join(lines) + b"\r\n\r\n" + payload
    return Request(name, data, app, half_close, timeout, note)


def pipeline(name: str, *requests: Request, app: str = "main", note: str = "") -> Request:
    """Several requests written at once on one connection (keep-alive and
    pipelining); every answer is read and compared."""
    data = b"".join(r.data for r in requests)
    return Request(name, data, app, note=note, heads=tuple(r.is_head for r in requests))


def chunked(*chunks: bytes | str) -> bytes:
    """A chunked body of these chunks and the last (empty) chunk."""
    out = b""
    for chunk in chunks:
        data = _bytes(chunk)
        out += f"{len(data):x}\r\n".encode() + data + b"\r\n"
    return out + b"0\r\n\r\n"


def repeated_names(requests: Sequence[Request]) -> list[str]:
    """The names used more than once (the runner refuses such a scenario)."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for request in requests:
        (repeated if request.name in seen else seen).add(request.name)
    return sorted(repeated)
