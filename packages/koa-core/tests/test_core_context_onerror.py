"""``ctx.onerror()``: the default error response.

Ported from Koa's ``__tests__/context/onerror.test.js`` (K112-K122) and the
probes K136-K142. Python cannot raise a non-exception, so "non-error thrown"
is checked by calling ``ctx.onerror()`` with one.
"""

from __future__ import annotations

from unittest import mock

import aiohttp
import pytest
from aiohttp.test_utils import make_mocked_request

from koa.core import Context, Koa, Middleware, Next
from koa.core.testing import ClientFor, Serve, create_context

TXT = "text/plain; charset=utf-8"


def app_with(*middleware: Middleware) -> Koa:
    app = Koa(silent=True)
    for mw in middleware:
        app.use(mw)
    return app


def error(message: str, **attrs: object) -> Exception:
    err = RuntimeError(message)
    for name, value in attrs.items():
        setattr(err, name, value)
    return err


async def test_error_response_replaces_the_body(client: ClientFor) -> None:
    """Error response replaces the body (K112)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "something else"
        ctx.throw(418, "boom")

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (418, "boom")
    assert reply.headers["Content-Type"] == TXT
    assert reply.headers["Content-Length"] == "4"


async def test_error_response_drops_headers_set_before(client: ClientFor) -> None:
    """Error response drops headers set before (K113)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.set("Vary", "Accept-Encoding")
        ctx.set("X-CSRF-Token", "asdf")
        ctx.body = "response"
        ctx.throw(418, "boom")

    reply = await (await client(app_with(mw))).get("/")
    assert reply.status == 418
    assert reply.headers["Content-Type"] == TXT
    assert reply.headers["Content-Length"] == "4"
    assert "Vary" not in reply.headers
    assert "X-CSRF-Token" not in reply.headers


async def test_error_headers_are_sent(client: ClientFor) -> None:
    """Error headers are sent (K114)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.set("Vary", "Accept-Encoding")
        ctx.set("X-CSRF-Token", "asdf")
        ctx.body = "response"
        raise error("boom", status=418, expose=True, headers={"X-New-Header": "Value"})

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (418, "boom")
    assert reply.headers["Content-Type"] == TXT
    assert reply.headers["X-New-Header"] == "Value"
    assert "Vary" not in reply.headers
    assert "X-CSRF-Token" not in reply.headers


async def test_error_headers_cannot_replace_type_or_length(client: ClientFor) -> None:
    """Error headers cannot replace type or length (K137 [3.3])."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.set("X-Before", "1")
        raise error(
            "nope",
            status=401,
            expose=True,
            headers={
                "WWW-Authenticate": "Basic",
                "Content-Type": "application/json",
                "Content-Length": "99",
            },
        )

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (401, "nope")
    assert reply.headers["WWW-Authenticate"] == "Basic"
    assert reply.headers["Content-Type"] == TXT
    assert reply.headers["Content-Length"] == "4"
    assert "X-Before" not in reply.headers


async def test_throw_with_headers_sends_them(client: ClientFor) -> None:
    """K114 (``ctx.throw(401, msg, headers={...})``)"""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.throw(401, "login first", headers={"WWW-Authenticate": 'Basic realm="x"'})

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (401, "login first")
    assert reply.headers["WWW-Authenticate"] == 'Basic realm="x"'


async def test_invalid_error_headers_are_skipped(client: ClientFor) -> None:
    """K114 (robustness: an error header with CR/LF is dropped, not sent)"""

    async def mw(ctx: Context, next: Next) -> None:
        raise error("bad", status=400, headers={"X-Bad": "a\r\nX-Evil: 1", "X-Good": 1})

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (400, "Bad Request")
    assert reply.headers["X-Good"] == "1"
    assert "X-Bad" not in reply.headers
    assert "X-Evil" not in reply.headers


async def test_a_failing_error_listener_does_not_break_the_response(
    client: ClientFor, caplog: pytest.LogCaptureFixture
) -> None:
    """K054 (a listener that raises is logged; the error response still goes out)"""

    async def mw(ctx: Context, next: Next) -> None:
        raise RuntimeError("boom")

    def listener(err: BaseException, ctx: Context | None) -> None:
        raise ValueError("listener bug")

    app = app_with(mw)
    app.on("error", listener)
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.text) == (500, "Internal Server Error")
    assert "listener bug" in caplog.text


async def test_error_after_headers_sent_is_flagged_and_ends_the_connection(
    serve: Serve,
) -> None:
    """K115 (Koa leaves the response open for a listener to end; the port closes
    the connection itself so it can never hang)"""
    flags: list[object] = []

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 200
        ctx.set("X-Foo", "Bar")
        await ctx.flush_headers()
        raise RuntimeError("mock error")

    app = app_with(mw)
    app.on("error", lambda err, ctx: flags.append(getattr(err, "header_sent", None)))
    url = await serve(app)
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        assert response.headers["X-Foo"] == "Bar"
        with pytest.raises(aiohttp.ClientError):
            await response.read()
    assert flags == [True]


async def test_status_code_attribute_sets_the_status(client: ClientFor) -> None:
    """Status code attribute sets the status (K116)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "something else"
        raise error("Not found", status_code=404)

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (404, "Not Found")
    assert reply.headers["Content-Type"] == TXT


@pytest.mark.parametrize(
    "attrs",
    [
        {"status_code": "notnumber"},  # K117
        {"status": "notnumber"},  # K118
        {"status": 9999},  # K118
        {"status": True},
    ],
)
async def test_invalid_status_attribute_is_a_500(
    client: ClientFor, attrs: dict[str, object]
) -> None:
    """Invalid status attribute is a 500 (K117, K118)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "something else"
        raise error("boom", **attrs)

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (500, "Internal Server Error")
    assert reply.headers["Content-Type"] == TXT


async def test_foreign_error_class_is_honoured_and_emitted_as_is(client: ClientFor) -> None:
    """Foreign error class is honoured and emitted as is (K119)."""
    seen: list[BaseException] = []

    class ForeignError(Exception):
        status = 418
        expose = True

    thrown = ForeignError("boom")

    async def mw(ctx: Context, next: Next) -> None:
        raise thrown

    app = app_with(mw)
    app.on("error", lambda err, ctx: seen.append(err))
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.text) == (418, "boom")
    assert seen[0] is thrown


async def test_non_error_passed_to_onerror_is_wrapped(client: ClientFor) -> None:
    """Non error passed to onerror is wrapped (K120, K122)."""
    seen: list[BaseException] = []

    async def mw(ctx: Context, next: Next) -> None:
        ctx.onerror({"key": "value"})  # type: ignore[arg-type]

    app = app_with(mw)
    app.on("error", lambda err, ctx: seen.append(err))
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.text) == (500, "Internal Server Error")
    assert reply.headers["Content-Type"] == TXT
    assert [str(e) for e in seen] == ['non-error thrown: {"key":"value"}']


def test_onerror_ignores_none() -> None:
    """K120 (``ctx.onerror(None)`` does nothing, so it can be a callback)"""
    ctx = create_context()
    ctx.body = "fine"
    ctx.onerror(None)
    assert (ctx.status, ctx.body) == (200, "fine")


def open_context(app: Koa) -> Context:
    # create_context()'s mock transport answers is_closing() with a truthy Mock,
    # which reads as "client gone"; this one is an open connection.
    transport = mock.Mock()
    transport.is_closing.return_value = False
    transport.get_extra_info.return_value = None
    return app.create_context(make_mocked_request("GET", "/", transport=transport))


def test_onerror_removes_every_header() -> None:
    """Onerror removes every header (K121)."""
    ctx = open_context(Koa(silent=True))
    ctx.set("X-One", "1")
    ctx.set("X-Two", "2")
    ctx.onerror(RuntimeError("boom"))
    assert ctx.response.headers == {"content-type": TXT, "content-length": 21}
    assert (ctx.status, ctx.body) == (500, "Internal Server Error")


async def test_throw_messages_are_shown_only_when_exposed(client: ClientFor) -> None:
    """Throw messages are shown only when exposed (K136)."""

    async def mw(ctx: Context, next: Next) -> None:
        if ctx.path == "/400":
            ctx.throw(400, "name required")
        if ctx.path == "/500":
            ctx.throw(500, "secret")
        ctx.throw(503, "maint", {"expose": True})

    c = await client(app_with(mw))
    reply = await c.get("/400")
    assert (reply.status, reply.text) == (400, "name required")
    assert reply.headers["Content-Type"] == TXT
    reply = await c.get("/500")
    assert (reply.status, reply.text) == (500, "Internal Server Error")
    reply = await c.get("/503")
    assert (reply.status, reply.text) == (503, "maint")


async def test_assert_through_a_request(client: ClientFor) -> None:
    """Assert through a request (K138)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.assert_(False, 401, "login")

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (401, "login")


@pytest.mark.parametrize("status", [99, "200", 1000, 200.0])
async def test_invalid_status_assignment_is_a_500(client: ClientFor, status: object) -> None:
    """Invalid status assignment is a 500 (K139)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = status  # type: ignore[assignment]

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (500, "Internal Server Error")


async def test_status_in_second_position_is_a_500(client: ClientFor) -> None:
    """Status in second position is a 500 (K140)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.throw("boom", 400)

    reply = await (await client(app_with(mw))).get("/")
    assert reply.status == 500


async def test_unknown_thrown_status_is_a_500(client: ClientFor) -> None:
    """Unknown thrown status is a 500 (K141)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.throw(600, "x")

    reply = await (await client(app_with(mw))).get("/")
    assert reply.status == 500


async def test_error_with_a_redirect_status_keeps_it_without_location(
    client: ClientFor,
) -> None:
    """Error with a redirect status keeps it without location (K141)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.set("Location", "/elsewhere")
        raise error("moved", status=302)

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (302, "Found")
    assert "Location" not in reply.headers


async def test_404_errors_still_reach_listeners(client: ClientFor) -> None:
    """404 errors still reach listeners (K142)."""
    seen: list[BaseException] = []

    async def mw(ctx: Context, next: Next) -> None:
        ctx.throw(404)

    app = app_with(mw)
    app.on("error", lambda err, ctx: seen.append(err))
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.text) == (404, "Not Found")
    assert [getattr(e, "status", None) for e in seen] == [404]


async def test_file_not_found_is_a_404(client: ClientFor) -> None:
    """K116 (Python: FileNotFoundError stands for Node's ENOENT)"""

    async def mw(ctx: Context, next: Next) -> None:
        raise FileNotFoundError("missing.txt")

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (404, "Not Found")
