"""Response headers: ``set``, ``append``, ``get``, ``has``, ``remove``,
``vary``, ``headers``, and the refusal of CR/LF (header injection).

Ported from Koa's ``__tests__/response/{append,get,has,header,headers,remove,
set,socket,vary}.test.js`` (K197-K200, K240-K242, K259-K262, K267).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from koa.core import Context, Koa, Middleware, Next
from koa.core.testing import ClientFor, create_context


def app_with(mw: Middleware) -> Koa:
    app = Koa(silent=True)
    app.use(mw)
    return app


# -- append --------------------------------------------------------------------------


def test_append_makes_a_list() -> None:
    """Append makes a list (K197)."""
    ctx = create_context()
    ctx.append("x-foo", "bar1")
    ctx.append("x-foo", "bar2")
    assert ctx.response.get("x-foo") == ["bar1", "bar2"]


def test_append_accepts_lists() -> None:
    """Append accepts lists (K198)."""
    ctx = create_context()
    ctx.append("Set-Cookie", ["foo=bar", "fizz=buzz"])
    ctx.append("Set-Cookie", "hi=again")
    assert ctx.response.get("Set-Cookie") == ["foo=bar", "fizz=buzz", "hi=again"]


def test_set_after_append_replaces() -> None:
    """Set after append replaces (K199)."""
    ctx = create_context()
    ctx.append("Link", "<http://localhost/>")
    ctx.append("Link", "<http://localhost:80/>")
    ctx.set("Link", "<http://127.0.0.1/>")
    assert ctx.response.get("Link") == "<http://127.0.0.1/>"


def test_append_after_set_extends() -> None:
    """Append after set extends (K200)."""
    ctx = create_context()
    ctx.set("Link", "<http://localhost/>")
    ctx.append("Link", "<http://localhost:80/>")
    assert ctx.response.get("Link") == ["<http://localhost/>", "<http://localhost:80/>"]


async def test_appended_values_are_separate_header_lines(client: ClientFor) -> None:
    """K198 (through HTTP)"""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.append("X-Multi", "a")
        ctx.append("X-Multi", "b")
        ctx.body = "ok"

    reply = await (await client(app_with(mw))).get("/")
    assert reply.headers.getall("X-Multi") == ["a", "b"]


# -- get, has, headers ----------------------------------------------------------------------


def test_get_is_case_insensitive_and_keeps_value_types() -> None:
    """Get is case insensitive and keeps value types (K240)."""
    ctx = create_context()
    when = datetime(2020, 1, 1, tzinfo=UTC)
    ctx.set("X-Foo", "bar")
    ctx.set("X-Number", 0)
    ctx.set("X-Empty", "")
    ctx.set("X-Date", when)  # type: ignore[arg-type]
    assert ctx.response.get("x-FOO") == "bar"
    assert ctx.response.get("x-number") == 0
    assert ctx.response.get("x-empty") == ""
    date_value: object = ctx.response.get("x-date")
    assert date_value is when
    assert ctx.response.get("x-unknown") is None
    assert ctx.response.get("") is None


def test_has_is_case_insensitive_and_true_for_empty_values() -> None:
    """Has is case insensitive and true for empty values (K241)."""
    ctx = create_context()
    ctx.set("X-Foo", "")
    assert ctx.response.has("x-Foo") is True
    assert ctx.has("boo") is False
    ctx.set("x-foo", "bar")
    assert ctx.has("x-boo") is False


def test_headers_are_lower_cased_with_value_types() -> None:
    """Headers are lower cased with value types (K242)."""
    ctx = create_context()
    ctx.set("X-Foo", "bar")
    ctx.set("X-Number", 200)
    assert ctx.response.header == {"x-foo": "bar", "x-number": 200}
    assert ctx.response.headers == ctx.response.header


async def test_headers_through_http(client: ClientFor) -> None:
    """Headers through http (K242)."""
    seen: list[object] = []

    async def mw(ctx: Context, next: Next) -> None:
        ctx.set("x-foo", "42")
        seen.append(ctx.response.headers)

    reply = await (await client(app_with(mw))).get("/")
    assert seen == [{"x-foo": "42"}]
    assert reply.headers["x-foo"] == "42"


async def test_number_values_are_sent_as_text(client: ClientFor) -> None:
    """K260 (numbers are kept until the headers are written)"""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.set("X-Count", 5)
        ctx.set("X-Ratio", 1.5)
        ctx.body = "ok"

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.headers["X-Count"], reply.headers["X-Ratio"]) == ("5", "1.5")


# -- set and remove ---------------------------------------------------------------------------


def test_remove_deletes_a_header() -> None:
    """Remove deletes a header (K259)."""
    ctx = create_context()
    ctx.set("x-foo", "bar")
    ctx.remove("x-foo")
    assert ctx.response.headers == {}


def test_set_values() -> None:
    """Set values (K260)."""
    ctx = create_context()
    ctx.set("x-foo", "bar")
    assert ctx.response.get("x-foo") == "bar"
    ctx.set("x-foo", 5)
    assert ctx.response.get("x-foo") == 5
    ctx.set("x-foo", None)
    assert ctx.response.get("x-foo") is None
    ctx.set("x-list", ["foo", "bar", "123"])
    assert ctx.response.get("x-list") == ["foo", "bar", "123"]


def test_set_a_mapping() -> None:
    """Set a mapping (K260)."""
    ctx = create_context()
    ctx.set({"foo": "1", "bar": "2"})
    assert (ctx.response.get("foo"), ctx.response.get("bar")) == ("1", "2")


def test_set_with_an_empty_name_is_ignored() -> None:
    """Set with an empty name is ignored (K260)."""
    ctx = create_context()
    ctx.set("", "x")
    assert ctx.response.headers == {}


def test_single_item_list_for_content_type_is_unwrapped() -> None:
    """[3.3] set('Content-Type', [one])"""
    ctx = create_context()
    ctx.set("Content-Type", ["text/plain"])
    assert ctx.response.get("Content-Type") == "text/plain"
    with pytest.raises(ValueError, match="exactly one value"):
        ctx.set("Content-Length", ["1", "2"])


@pytest.mark.parametrize("value", ["a\r\nX-B: b", "a\nb", "a\rb", "a\x00b", ["ok", "a\nb"]])
def test_set_refuses_control_characters(value: str | list[str]) -> None:
    """Set refuses control characters (K261)."""
    ctx = create_context()
    with pytest.raises(ValueError, match="Invalid character"):
        ctx.set("X-A", value)
    assert ctx.response.headers == {}


@pytest.mark.parametrize("name", ["X-A\r\nX-B", "X A", "X-A\n", "X:A", ""])
def test_set_refuses_invalid_names(name: str) -> None:
    """K261 (names are HTTP tokens; an empty name is ignored)"""
    ctx = create_context()
    if not name:
        ctx.set(name, "v")
    else:
        with pytest.raises(ValueError, match="Invalid header name"):
            ctx.set(name, "v")
    assert ctx.response.headers == {}


def test_append_refuses_control_characters() -> None:
    """Append refuses control characters (K261)."""
    ctx = create_context()
    ctx.set("X-A", "fine")
    with pytest.raises(ValueError, match="Invalid character"):
        ctx.append("X-A", "a\r\nX-B: b")
    assert ctx.response.get("X-A") == "fine"


@pytest.mark.parametrize("how", ["set", "append"])
async def test_header_injection_is_a_500_without_the_injected_header(
    client: ClientFor, how: str
) -> None:
    """K261 (robustness: CR/LF in a value never reaches the wire)"""

    async def mw(ctx: Context, next: Next) -> None:
        if how == "set":
            ctx.set("X-A", "a\r\nX-B: b")
        else:
            ctx.append("X-A", "a\r\nX-B: b")
        ctx.body = "unreachable"

    c = await client(app_with(mw))
    reply = await c.get("/")
    assert (reply.status, reply.text) == (500, "Internal Server Error")
    assert "X-A" not in reply.headers
    assert "X-B" not in reply.headers
    assert (await c.get("/")).status == 500  # the connection was not poisoned


async def test_response_socket_is_the_transport(client: ClientFor) -> None:
    """Response socket is the transport (K262)."""
    same: list[bool] = []

    async def mw(ctx: Context, next: Next) -> None:
        same.append(ctx.response.socket is ctx.req.transport is ctx.socket)
        ctx.body = "ok"

    await (await client(app_with(mw))).get("/")
    assert same == [True]


# -- vary ---------------------------------------------------------------------------------------


def test_vary_appends_once_per_field() -> None:
    """Vary appends once per field (K267)."""
    ctx = create_context()
    ctx.vary("Accept")
    assert ctx.response.get("Vary") == "Accept"
    ctx.vary("Accept-Encoding")
    assert ctx.response.get("Vary") == "Accept, Accept-Encoding"
    ctx.vary("Accept")
    ctx.vary("accept-encoding")
    assert ctx.response.get("Vary") == "Accept, Accept-Encoding"


def test_vary_accepts_a_list() -> None:
    """Vary accepts a list (K267)."""
    ctx = create_context()
    ctx.vary("Accept")
    ctx.vary(["Accept-Encoding", "accept"])
    assert ctx.response.get("Vary") == "Accept, Accept-Encoding"


def test_vary_star_wins() -> None:
    """K267 (vary: ``*`` absorbs everything)"""
    ctx = create_context()
    ctx.vary("Accept")
    ctx.vary("*")
    assert ctx.response.get("Vary") == "*"
    ctx.vary("Origin")
    assert ctx.response.get("Vary") == "*"
