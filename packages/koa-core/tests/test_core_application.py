"""The application: middleware order, per-app extension points, options,
``app.use``, ``app.onerror``, ``to_json`` and ``current_context()``.

Ported from Koa's ``__tests__/application/*`` (K085-K104).
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from koa.core import (
    UNSET,
    Context,
    HttpError,
    Keygrip,
    Koa,
    Next,
    create_error,
    current_context,
)
from koa.core.testing import ClientFor, Serve


async def test_middleware_run_downstream_then_upstream(client: ClientFor) -> None:
    """Middleware run downstream then upstream (K085)."""
    calls: list[int] = []

    async def first(ctx: Context, next: Next) -> None:
        calls.append(1)
        await next()
        calls.append(4)

    async def second(ctx: Context, next: Next) -> None:
        calls.append(2)
        await next()
        calls.append(3)

    app = Koa()
    app.use(first).use(second)
    reply = await (await client(app)).get("/")
    assert calls == [1, 2, 3, 4]
    assert reply.status == 404


async def test_app_context_extension_is_seen_by_its_contexts(client: ClientFor) -> None:
    """App context extension is seen by its contexts (K087)."""
    app = Koa()
    app.context.msg = "hello"  # type: ignore[attr-defined]
    seen: list[object] = []

    async def mw(ctx: Context, next: Next) -> None:
        seen.append(getattr(ctx, "msg", UNSET))
        ctx.status = 204

    app.use(mw)
    reply = await (await client(app)).get("/")
    assert (reply.status, seen) == (204, ["hello"])


async def test_app_context_extension_does_not_leak_to_other_apps(client: ClientFor) -> None:
    """App context extension does not leak to other apps (K088)."""
    app1 = Koa()
    app1.context.msg = "hello"  # type: ignore[attr-defined]
    app2 = Koa()
    seen: list[object] = []

    async def mw(ctx: Context, next: Next) -> None:
        seen.append(getattr(ctx, "msg", UNSET))
        ctx.status = 204

    app2.use(mw)
    reply = await (await client(app2)).get("/")
    assert (reply.status, seen) == (204, [UNSET])


async def test_app_request_extension_is_per_app(client: ClientFor) -> None:
    """App request extension is per app (K095)."""
    app1, app2 = Koa(), Koa()
    app1.request.message = "hello"  # type: ignore[attr-defined]
    seen: list[object] = []

    async def mw(ctx: Context, next: Next) -> None:
        seen.append(getattr(ctx.request, "message", UNSET))
        ctx.status = 204

    app1.use(mw)
    app2.use(mw)
    assert (await (await client(app1)).get("/")).status == 204
    assert (await (await client(app2)).get("/")).status == 204
    assert seen == ["hello", UNSET]


async def test_app_response_extension_is_per_app(client: ClientFor) -> None:
    """App response extension is per app (K096)."""
    app1, app2 = Koa(), Koa()
    app1.response.msg = "hello"  # type: ignore[attr-defined]
    seen: list[object] = []

    async def mw(ctx: Context, next: Next) -> None:
        seen.append(getattr(ctx.response, "msg", UNSET))
        ctx.status = 204

    app1.use(mw)
    app2.use(mw)
    assert (await (await client(app1)).get("/")).status == 204
    assert (await (await client(app2)).get("/")).status == 204
    assert seen == ["hello", UNSET]


async def test_error_on_a_destroyed_connection_is_emitted(serve: Serve) -> None:
    """Error on a destroyed connection is emitted (K089)."""
    errors: list[BaseException] = []
    emitted = asyncio.Event()

    async def mw(ctx: Context, next: Next) -> None:
        assert ctx.socket is not None
        ctx.socket.close()
        raise RuntimeError("boom")

    app = Koa()

    def listener(err: BaseException, ctx: Context | None) -> None:
        errors.append(err)
        emitted.set()

    app.on("error", listener).use(mw)
    url = await serve(app)
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    await asyncio.wait_for(emitted.wait(), 5)
    writer.close()
    await reader.read()
    assert [str(e) for e in errors] == ["boom"]


# -- options -----------------------------------------------------------------------


def test_env_defaults_to_development_when_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    """Env defaults to development when empty (K090)."""
    monkeypatch.setenv("KOA_ENV", "")
    assert Koa().env == "development"
    monkeypatch.delenv("KOA_ENV")
    assert Koa().env == "development"


def test_options_become_attributes() -> None:
    """Options become attributes (K090)."""
    keys = ["customkey"]
    app = Koa(env="custom", proxy=True, keys=keys, subdomain_offset=3)
    assert app.env == "custom"
    assert app.proxy is True
    assert app.keys is keys
    assert app.subdomain_offset == 3
    grip = Keygrip(["k"])
    assert Koa(keys=grip).keys is grip


def test_falsy_subdomain_offset_becomes_two() -> None:
    """Falsy subdomain offset becomes two (K090)."""
    assert Koa(subdomain_offset=0).subdomain_offset == 2


def test_http_error_is_exported_and_the_base_of_created_errors() -> None:
    """Http error is exported and the base of created errors (K091)."""
    import koa.core.errors

    assert HttpError is koa.core.errors.HttpError
    assert isinstance(create_error(404), HttpError)
    assert isinstance(create_error(500, "x"), HttpError)


def test_to_json_shows_only_offset_proxy_and_env_in_order() -> None:
    """To json shows only offset proxy and env in order (K092)."""
    app = Koa(env="test")
    expected = {"subdomain_offset": 2, "proxy": False, "env": "test"}
    assert app.to_json() == expected
    assert list(app.to_json()) == ["subdomain_offset", "proxy", "env"]
    assert repr(app) == f"<Koa {expected!r}>"


# -- app.onerror -------------------------------------------------------------------


def test_onerror_rejects_a_non_error() -> None:
    """Onerror rejects a non error (K093)."""
    with pytest.raises(TypeError, match="non-error thrown"):
        Koa().onerror("foo")  # type: ignore[arg-type]


def test_onerror_accepts_any_exception_class(caplog: pytest.LogCaptureFixture) -> None:
    """K093 (Koa: a cross-realm Error; here: an exception of any class)"""

    class ForeignError(Exception):
        status = 418
        expose = True

    Koa().onerror(ForeignError("teapot"))
    assert caplog.records == []


def test_onerror_skips_404s(caplog: pytest.LogCaptureFixture) -> None:
    """Onerror skips 404s (K094)."""
    err = RuntimeError("not here")
    err.status = 404  # type: ignore[attr-defined]
    Koa().onerror(err)
    assert caplog.records == []


def test_onerror_is_quiet_when_the_app_is_silent(caplog: pytest.LogCaptureFixture) -> None:
    """Onerror is quiet when the app is silent (K094)."""
    Koa(silent=True).onerror(RuntimeError("hush"))
    assert caplog.records == []


def test_onerror_logs_other_errors_once_with_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Onerror logs other errors once with traceback (K094)."""
    with caplog.at_level(logging.ERROR, logger="koa"):
        try:
            raise RuntimeError("loud")
        except RuntimeError as err:
            Koa().onerror(err)
    assert len(caplog.records) == 1
    assert caplog.records[0].name == "koa"
    assert caplog.records[0].exc_info is not None
    assert "loud" in caplog.text


async def test_uncaught_errors_are_logged_when_nobody_listens(
    client: ClientFor, caplog: pytest.LogCaptureFixture
) -> None:
    """K094 (through a request)"""

    async def mw(ctx: Context, next: Next) -> None:
        raise RuntimeError("unhandled")

    app = Koa()
    app.use(mw)
    with caplog.at_level(logging.ERROR, logger="koa"):
        reply = await (await client(app)).get("/")
    assert reply.status == 500
    assert [r.getMessage() for r in caplog.records if r.name == "koa"] == ["unhandled"]


# -- app.use -----------------------------------------------------------------------


async def test_async_sync_and_mixed_middleware_compose(client: ClientFor) -> None:
    """Async sync and mixed middleware compose (K097)."""
    calls: list[int] = []

    async def one(ctx: Context, next: Next) -> None:
        calls.append(1)
        await next()
        calls.append(6)

    def two(ctx: Context, next: Next) -> object:  # a plain function returning an awaitable
        calls.append(2)

        async def after() -> None:
            await next()
            calls.append(5)

        return after()

    async def three(ctx: Context, next: Next) -> None:
        calls.append(3)
        await next()
        calls.append(4)

    app = Koa()
    app.use(one).use(two).use(three)  # type: ignore[arg-type]
    reply = await (await client(app)).get("/")
    assert calls == [1, 2, 3, 4, 5, 6]
    assert reply.status == 404


async def test_synchronous_middleware_can_throw(client: ClientFor) -> None:
    """Synchronous middleware can throw (K098)."""

    def mw(ctx: Context, next: Next) -> None:
        ctx.throw(404, "Not Found")

    app = Koa()
    app.use(mw)  # type: ignore[arg-type]
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.text) == (404, "Not Found")


@pytest.mark.parametrize("value", [None, UNSET, 0, False, "not a function"])
def test_use_rejects_non_callables(value: object) -> None:
    """Use rejects non callables (K099)."""
    with pytest.raises(TypeError, match="middleware must be a function!"):
        Koa().use(value)  # type: ignore[arg-type]


def test_use_is_chainable() -> None:
    """K099 (``use`` returns the app)"""

    async def mw(ctx: Context, next: Next) -> None:
        pass

    app = Koa()
    assert app.use(mw) is app


# -- current_context() (Koa's app.currentContext) ----------------------------------------


async def test_current_context_follows_each_request(client: ClientFor) -> None:
    """Current context follows each request (K100)."""
    app = Koa()

    async def mw(ctx: Context, next: Next) -> None:
        assert current_context() is ctx
        await asyncio.sleep(0.001)
        assert current_context() is ctx
        loop = asyncio.get_running_loop()
        seen: asyncio.Future[Context | None] = loop.create_future()
        loop.call_soon(lambda: seen.set_result(current_context()))
        assert await seen is ctx
        task_ctx = await asyncio.create_task(asyncio.sleep(0, current_context()))
        assert task_ctx is ctx
        current = current_context()
        assert current is not None
        current.body = "ok"

    app.use(mw)
    c = await client(app)
    replies = await asyncio.gather(*(c.get("/") for _ in range(5)))
    assert [r.text for r in replies] == ["ok"] * 5
    assert current_context() is None


async def test_current_context_is_the_error_listeners_ctx(client: ClientFor) -> None:
    """Current context is the error listeners ctx (K102)."""
    app = Koa()
    pairs: list[tuple[Context | None, Context | None]] = []

    async def mw(ctx: Context, next: Next) -> None:
        raise RuntimeError("error message")

    app.on("error", lambda err, ctx: pairs.append((current_context(), ctx)))
    app.use(mw)
    reply = await (await client(app)).get("/")
    assert reply.text == "Internal Server Error"
    assert len(pairs) == 1
    assert pairs[0][0] is pairs[0][1]
    assert pairs[0][0] is not None


def test_current_context_is_none_outside_requests() -> None:
    """Current context is none outside requests (K104)."""
    assert current_context() is None
