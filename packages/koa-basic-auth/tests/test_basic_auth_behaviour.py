"""koa-basic-auth 4's test suite and README, through real HTTP."""

from __future__ import annotations

import asyncio
import base64

import pytest

from koa.basic_auth import basic_auth
from koa.core import Context, HttpError, Koa, Next
from koa.core.testing import ClientFor


def basic(name: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{name}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def secret(ctx: Context, next: Next) -> None:
    ctx.body = "Protected"


def protected(**options: object) -> Koa:
    app = Koa(silent=True)
    app.use(basic_auth(**options))  # type: ignore[arg-type]
    app.use(secret)
    return app


def test_requires_a_name_or_a_password() -> None:
    with pytest.raises(ValueError, match="needs name= and/or password="):
        basic_auth()


async def test_no_credentials_is_401_with_a_challenge(client: ClientFor) -> None:
    reply = await (await client(protected(name="user", password="pass"))).get("/")
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"] == 'Basic realm="Secure Area"'


async def test_401_body_is_the_reason_phrase_as_koa_sends_it(client: ClientFor) -> None:
    reply = await (await client(protected(name="user", password="pass"))).get("/")
    assert reply.text == "Unauthorized"
    assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert reply.headers["Content-Length"] == "12"


async def test_invalid_credentials_are_401(client: ClientFor) -> None:
    app = protected(name="user", password="pass")
    reply = await (await client(app)).get("/", headers=basic("foo", "bar"))
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"] == 'Basic realm="Secure Area"'


async def test_right_name_wrong_password_is_401(client: ClientFor) -> None:
    app = protected(name="user", password="pass")
    reply = await (await client(app)).get("/", headers=basic("user", "nope"))
    assert reply.status == 401


async def test_custom_realm_escapes_quotes(client: ClientFor) -> None:
    app = protected(name="user", password="pass", realm='custom "message"')
    reply = await (await client(app)).get("/")
    assert reply.headers["WWW-Authenticate"] == 'Basic realm="custom \\"message\\""'


async def test_valid_credentials_reach_the_next_middleware(client: ClientFor) -> None:
    app = protected(name="user", password="pass")
    reply = await (await client(app)).get("/", headers=basic("user", "pass"))
    assert (reply.status, reply.text) == (200, "Protected")


async def test_only_the_name_is_checked_when_only_a_name_is_given(client: ClientFor) -> None:
    c = await client(protected(name="user"))
    assert (await c.get("/", headers=basic("user", "anything"))).status == 200
    assert (await c.get("/", headers=basic("other", "anything"))).status == 401


async def test_only_the_password_is_checked_when_only_a_password_is_given(
    client: ClientFor,
) -> None:
    c = await client(protected(password="pass"))
    assert (await c.get("/", headers=basic("anyone", "pass"))).status == 200
    assert (await c.get("/", headers=basic("anyone", "wrong"))).status == 401


async def test_password_may_contain_colons(client: ClientFor) -> None:
    app = protected(name="user", password="a:b:c")
    reply = await (await client(app)).get("/", headers=basic("user", "a:b:c"))
    assert reply.status == 200


async def test_scheme_is_case_insensitive(client: ClientFor) -> None:
    app = protected(name="tj", password="tobi")
    reply = await (await client(app)).get("/", headers={"Authorization": "basic dGo6dG9iaQ=="})
    assert (reply.status, reply.text) == (200, "Protected")


async def test_unicode_credentials_pass(client: ClientFor) -> None:
    app = protected(name="jörg", password="pässwörd€")
    reply = await (await client(app)).get("/", headers=basic("jörg", "pässwörd€"))
    assert reply.status == 200


async def test_sync_check_function_looks_users_up(client: ClientFor) -> None:
    users = {"ada": "lovelace", "alan": "turing"}
    seen: list[tuple[str, str]] = []

    def check(name: str, password: str) -> bool:
        seen.append((name, password))
        return users.get(name) == password

    c = await client(protected(check=check))
    assert (await c.get("/", headers=basic("alan", "turing"))).status == 200
    assert (await c.get("/", headers=basic("alan", "lovelace"))).status == 401
    assert seen == [("alan", "turing"), ("alan", "lovelace")]


async def test_async_check_function_is_awaited(client: ClientFor) -> None:
    async def check(name: str, password: str) -> bool:
        await asyncio.sleep(0)
        return (name, password) == ("ada", "lovelace")

    c = await client(protected(check=check))
    assert (await c.get("/", headers=basic("ada", "lovelace"))).status == 200
    assert (await c.get("/", headers=basic("ada", "x"))).status == 401


async def test_check_is_not_called_without_credentials(client: ClientFor) -> None:
    calls: list[str] = []

    def check(name: str, password: str) -> bool:
        calls.append(name)
        return True

    reply = await (await client(protected(check=check))).get("/")
    assert reply.status == 401
    assert calls == []


async def test_the_401_can_be_handled_upstream_as_in_the_readme(client: ClientFor) -> None:
    async def custom_401(ctx: Context, next: Next) -> None:
        try:
            await next()
        except HttpError as err:
            if err.status != 401:
                raise
            ctx.status = 401
            ctx.set("WWW-Authenticate", "Basic")
            ctx.body = "cant haz that"

    app = Koa(silent=True)
    app.use(custom_401)
    app.use(basic_auth(name="tj", password="tobi"))
    app.use(secret)
    c = await client(app)
    reply = await c.get("/")
    assert (reply.status, reply.text) == (401, "cant haz that")
    assert reply.headers["WWW-Authenticate"] == "Basic"
    assert (await c.get("/", headers=basic("tj", "tobi"))).text == "Protected"


async def test_the_error_carries_the_challenge_header(client: ClientFor) -> None:
    caught: list[HttpError] = []

    async def catch(ctx: Context, next: Next) -> None:
        try:
            await next()
        except HttpError as err:
            caught.append(err)
            raise

    app = Koa(silent=True)
    app.use(catch)
    app.use(basic_auth(name="u", password="p", realm="admin"))
    await (await client(app)).get("/")
    assert caught[0].status == 401
    assert caught[0].headers == {"WWW-Authenticate": 'Basic realm="admin"'}
    assert caught[0].expose is True
