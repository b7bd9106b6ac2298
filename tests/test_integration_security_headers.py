"""Header injection: CR/LF (or any control character) in ``ctx.set``,
``ctx.append``, ``ctx.type``, ``ctx.etag``, ``ctx.message``,
``ctx.redirect``, cookie values and ``attachment()`` file names is refused
(``ValueError``, ``CookieError``) or encoded; it is never sent as a second
header. Checked on the wire, from the raw bytes of the response.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koa.core import Context, CookieError, Koa, Next
from scripts.fuzz_server import raw_exchange, serve_in_thread


def set_cookie(ctx: Context, name: str, value: str, path: str = "/") -> None:
    ctx.cookies.set(name, value, path=path)


OPERATIONS: dict[str, Callable[[Context, str], None]] = {
    "set": lambda ctx, v: ctx.set("X-Custom", v),
    "append": lambda ctx, v: ctx.append("X-Custom", v),
    "type": lambda ctx, v: setattr(ctx, "type", v),
    "etag": lambda ctx, v: setattr(ctx, "etag", v),
    "message": lambda ctx, v: setattr(ctx, "message", v),
    "vary": lambda ctx, v: ctx.vary(v),
    "redirect": lambda ctx, v: ctx.redirect(v),
    "cookie": lambda ctx, v: set_cookie(ctx, "c", v),
    "cookie_path": lambda ctx, v: set_cookie(ctx, "c", "v", path=v),
    "attachment": lambda ctx, v: ctx.attachment(v),
}
#: Headers an answer may carry, by operation.
EXPECTED = {
    "set": {"x-custom"},
    "append": {"x-custom"},
    "type": {"content-type"},
    "etag": {"etag"},
    "message": set(),
    "vary": {"vary"},
    "redirect": {"location"},
    "cookie": {"set-cookie"},
    "cookie_path": {"set-cookie"},
    "attachment": {"content-disposition", "content-type"},
}
ALWAYS = {"content-type", "content-length", "date", "server"}


async def operate(ctx: Context, next: Next) -> None:
    op = OPERATIONS[str(ctx.query["op"])]
    value = str(ctx.query["v"])
    try:
        op(ctx, value)
    except (ValueError, CookieError) as err:  # CookieError is a ValueError too
        ctx.throw(400, f"refused: {err}")
    if ctx.status == 404:
        ctx.body = "done"


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    app = Koa(silent=True)
    app.use(operate)
    with serve_in_thread(app) as (_, port):
        yield port


dangerous = st.sampled_from(
    ["\r", "\n", "\r\n", "\r\nX-Injected: 1", "\nSet-Cookie: evil=1", "\x00", "\x0b", "\x7f",
     "\u0085", "\u2028", "%0d%0a", ";", ",", '"', "\\", "é", "\udcff", "a", "Z", "/", " "]
)  # fmt: skip
values = st.one_of(
    st.lists(st.one_of(dangerous, st.text(max_size=3)), max_size=8).map("".join),
    st.text(max_size=20),
)


@given(op=st.sampled_from(sorted(OPERATIONS)), value=values)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fuzz_no_value_is_ever_sent_as_a_second_header(server: int, op: str, value: str) -> None:
    query = f"op={op}&v={quote(value, safe='', errors='surrogateescape')}"
    replies, outcome = raw_exchange(server, f"GET /?{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert replies, outcome
    reply = replies[0]
    assert reply.status in (200, 302, 400), (reply.status, reply.body)
    names = {name.lower() for name, _ in reply.headers}
    assert names <= EXPECTED[op] | ALWAYS, reply.headers
    for name, header_value in reply.headers:
        assert not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", header_value), (name, header_value)
    if op in ("set", "append", "etag", "redirect", "attachment") and reply.status != 400:
        wanted = {"set": "x-custom", "append": "x-custom", "etag": "etag"}.get(op, "")
        wanted = wanted or ("location" if op == "redirect" else "content-disposition")
        assert sum(1 for name, _ in reply.headers if name.lower() == wanted) == 1


def test_crlf_in_each_setter_is_refused_or_encoded(server: int) -> None:
    for op in sorted(OPERATIONS):
        value = quote("a\r\nX-Injected: 1", safe="")
        replies, _ = raw_exchange(
            server, f"GET /?op={op}&v={value} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        )
        reply = replies[0]
        assert all(name.lower() != "x-injected" for name, _ in reply.headers), op
        if op in ("redirect", "attachment"):
            assert reply.status in (200, 302), op  # encoded, not refused
        elif op == "type":
            assert reply.status == 200  # not a known type: Content-Type left as is
        else:
            assert reply.status == 400, (op, reply.status)
