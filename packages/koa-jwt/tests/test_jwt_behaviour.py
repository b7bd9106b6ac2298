"""koa-jwt 4's test suite (failure, passthrough and success tests), through real HTTP."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import jwt as pyjwt

from koa.core import Context, HttpError, Koa, Next
from koa.core.testing import ClientFor
from koa.jwt import AuthenticationError, JwtError, jwt

SECRET = "shhhhhh-this-is-a-secret-of-32-bytes-or-more"
BAD_HEADER = 'Bad Authorization header format. Format is "Authorization: Bearer <token>"'
OTHER = "a-different-secret-also-32-bytes-or-longer!"


def sign(payload: dict[str, Any], secret: str = SECRET, **headers: Any) -> str:
    return pyjwt.encode(payload, secret, algorithm="HS256", headers=headers or None)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def query_token(ctx: Context) -> str | None:
    token = ctx.query.get("token")
    return token if isinstance(token, str) else None


async def echo_user(ctx: Context, next: Next) -> None:
    ctx.body = ctx.state.get("user")


def app_with(*middleware: Any) -> Koa:
    app = Koa(silent=True)
    for mw in middleware:
        app.use(mw)
    return app


async def test_no_authorization_header_is_401_authentication_error(client: ClientFor) -> None:
    reply = await (await client(app_with(jwt(secret=SECRET)))).get("/")
    assert (reply.status, reply.text) == (401, "Authentication Error")


async def test_no_authorization_header_says_token_not_found_in_debug(client: ClientFor) -> None:
    reply = await (await client(app_with(jwt(secret=SECRET, debug=True)))).get("/")
    assert (reply.status, reply.text) == (401, "Token not found")


async def test_malformed_authorization_header_is_401_with_the_format(client: ClientFor) -> None:
    c = await client(app_with(jwt(secret=SECRET)))
    reply = await c.get("/", headers={"Authorization": "wrong"})
    assert reply.status == 401
    assert (
        reply.text == 'Bad Authorization header format. Format is "Authorization: Bearer <token>"'
    )


async def test_authorization_header_not_starting_with_bearer_is_401(client: ClientFor) -> None:
    c = await client(app_with(jwt(secret=SECRET)))
    reply = await c.get("/", headers={"Authorization": "Bearskin Jacket"})
    assert reply.status == 401
    assert reply.text.startswith("Bad Authorization header format.")


async def test_get_token_may_throw(client: ClientFor) -> None:
    def get_token(ctx: Context) -> str | None:
        ctx.throw(401, "Bad Authorization")

    reply = await (await client(app_with(jwt(secret=SECRET, get_token=get_token)))).get("/")
    assert (reply.status, reply.text) == (401, "Bad Authorization")


async def test_get_token_returning_an_invalid_jwt_is_401(client: ClientFor) -> None:
    token = sign({"foo": "bar"}, OTHER)
    mw = jwt(secret=SECRET, get_token=lambda ctx: query_token(ctx), debug=True)
    reply = await (await client(app_with(mw))).get(f"/?token={token}")
    assert (reply.status, reply.text) == (401, "invalid signature")


async def test_not_well_formatted_jwt_is_jwt_malformed(client: ClientFor) -> None:
    c = await client(app_with(jwt(secret=SECRET, debug=True)))
    reply = await c.get("/", headers=bearer("wrongjwt"))
    assert (reply.status, reply.text) == (401, "jwt malformed")


async def test_jwt_signed_with_another_secret_is_invalid_signature(client: ClientFor) -> None:
    c = await client(app_with(jwt(secret=SECRET, debug=True)))
    reply = await c.get("/", headers=bearer(sign({"foo": "bar"}, OTHER)))
    assert (reply.status, reply.text) == (401, "invalid signature")


async def test_jwt_valid_for_none_of_several_secrets_is_invalid_signature(
    client: ClientFor,
) -> None:
    mw = jwt(secret=[SECRET, OTHER + "x"], debug=True)
    reply = await (await client(app_with(mw))).get("/", headers=bearer(sign({}, OTHER)))
    assert (reply.status, reply.text) == (401, "invalid signature")


async def test_errors_are_non_descriptive_without_debug(client: ClientFor) -> None:
    c = await client(app_with(jwt(secret=SECRET)))
    reply = await c.get("/", headers=bearer(sign({"foo": "bar"}, OTHER)))
    assert (reply.status, reply.text) == (401, "Authentication Error")


async def test_cookie_with_a_malformed_jwt_is_invalid_token(client: ClientFor) -> None:
    c = await client(app_with(jwt(secret=SECRET, cookie="jwt", debug=True)))
    reply = await c.get("/", headers={"Cookie": "jwt=bad.signature.jwt"})
    assert (reply.status, reply.text) == (401, "invalid token")


async def test_unexpected_audience_is_401(client: ClientFor) -> None:
    token = sign({"foo": "bar", "aud": "expected-audience"})
    mw = jwt(secret=SECRET, audience="not-expected-audience", debug=True)
    reply = await (await client(app_with(mw))).get("/", headers=bearer(token))
    assert (reply.status, reply.text) == (
        401,
        "jwt audience invalid. expected: not-expected-audience",
    )


async def test_expired_token_is_jwt_expired(client: ClientFor) -> None:
    token = sign({"foo": "bar", "exp": int(time.time()) - 3600})
    c = await client(app_with(jwt(secret=SECRET, debug=True)))
    reply = await c.get("/", headers=bearer(token))
    assert (reply.status, reply.text) == (401, "jwt expired")


async def test_the_error_carries_the_original_error(client: ClientFor) -> None:
    caught: list[AuthenticationError] = []

    async def custom_401(ctx: Context, next: Next) -> None:
        try:
            await next()
        except AuthenticationError as err:
            caught.append(err)
            ctx.status = 401
            ctx.body = {"error": str(err.original_error)}

    token = sign({"foo": "bar", "exp": int(time.time()) - 3600})
    reply = await (await client(app_with(custom_401, jwt(secret=SECRET)))).get(
        "/", headers=bearer(token)
    )
    assert reply.status == 401
    assert isinstance(caught[0], HttpError)
    assert isinstance(caught[0].original_error, pyjwt.ExpiredSignatureError)
    assert isinstance(caught[0].__cause__, pyjwt.ExpiredSignatureError)
    assert reply.json() == {"error": "Signature has expired"}


async def test_wrong_issuer_is_401(client: ClientFor) -> None:
    token = sign({"foo": "bar", "iss": "http://foo"})
    mw = jwt(secret=SECRET, issuer="http://wrong", debug=True)
    reply = await (await client(app_with(mw))).get("/", headers=bearer(token))
    assert (reply.status, reply.text) == (401, "jwt issuer invalid. expected: http://wrong")


async def test_no_secret_from_options_or_middleware_is_401(client: ClientFor) -> None:
    c = await client(app_with(jwt(secret=None, debug=True)))
    reply = await c.get("/", headers=bearer(sign({"foo": "bar"})))
    assert (reply.status, reply.text) == (401, "Secret not provided")


async def test_middleware_secret_replaces_the_option(client: ClientFor) -> None:
    async def wrong_secret(ctx: Context, next: Next) -> None:
        ctx.state["secret"] = OTHER
        await next()

    mw = jwt(secret=SECRET, debug=True)
    reply = await (await client(app_with(wrong_secret, mw))).get(
        "/", headers=bearer(sign({"foo": "bar"}))
    )
    assert (reply.status, reply.text) == (401, "invalid signature")


async def test_is_revoked_raising_is_401_with_its_message(client: ClientFor) -> None:
    async def is_revoked(ctx: Context, payload: dict[str, Any], token: str) -> bool:
        raise RuntimeError("Token revocation check error")

    mw = jwt(secret=SECRET, is_revoked=is_revoked, debug=True)
    reply = await (await client(app_with(mw))).get("/", headers=bearer(sign({"foo": "bar"})))
    assert (reply.status, reply.text) == (401, "Token revocation check error")


async def test_revoked_token_is_401(client: ClientFor) -> None:
    mw = jwt(secret=SECRET, is_revoked=lambda ctx, payload, token: True, debug=True)
    reply = await (await client(app_with(mw))).get("/", headers=bearer(sign({"foo": "bar"})))
    assert (reply.status, reply.text) == (401, "Token revoked")


async def test_secret_function_raising_is_401_with_its_message(client: ClientFor) -> None:
    async def provider(header: dict[str, Any], payload: dict[str, Any]) -> str:
        raise RuntimeError("Not supported")

    mw = jwt(secret=provider, debug=True)
    reply = await (await client(app_with(mw))).get("/", headers=bearer(sign({"foo": "bar"})))
    assert (reply.status, reply.text) == (401, "Not supported")


async def test_secret_function_with_an_unreadable_token_is_invalid_token(
    client: ClientFor,
) -> None:
    calls: list[object] = []

    def secret(header: dict[str, Any], payload: dict[str, Any]) -> str:
        calls.append(header)
        return SECRET

    mw = jwt(secret=secret, debug=True)
    reply = await (await client(app_with(mw))).get("/", headers=bearer("dummy"))
    assert (reply.status, reply.text) == (401, "Invalid token")
    assert calls == []


async def test_secret_function_returning_a_wrong_secret_is_invalid_signature(
    client: ClientFor,
) -> None:
    mw = jwt(secret=lambda header, payload: OTHER, debug=True)
    reply = await (await client(app_with(mw))).get("/", headers=bearer(sign({"foo": "bar"})))
    assert (reply.status, reply.text) == (401, "invalid signature")


async def test_secret_function_returning_wrong_secrets_is_invalid_signature(
    client: ClientFor,
) -> None:
    mw = jwt(secret=lambda header, payload: [OTHER, OTHER + "2"], debug=True)
    reply = await (await client(app_with(mw))).get("/", headers=bearer(sign({"foo": "bar"})))
    assert (reply.status, reply.text) == (401, "invalid signature")


async def test_passthrough_continues_without_a_token(client: ClientFor) -> None:
    seen: dict[str, Any] = {}

    async def after(ctx: Context, next: Next) -> None:
        seen.update(ctx.state)
        ctx.status = 204

    reply = await (await client(app_with(jwt(secret=SECRET, passthrough=True), after))).get("/")
    assert reply.status == 204
    assert reply.body == b""
    assert "user" not in seen
    assert isinstance(seen["jwt_original_error"], JwtError)
    assert str(seen["jwt_original_error"]) == "jwt must be provided"


async def test_passthrough_continues_with_a_bad_header_format(client: ClientFor) -> None:
    async def no_content(ctx: Context, next: Next) -> None:
        ctx.status = 204

    mw = jwt(secret=SECRET, passthrough=True)
    c = await client(app_with(mw, no_content))
    reply = await c.get("/", headers={"Authorization": "Bearer"})
    assert reply.status == 204


async def test_passthrough_keeps_the_verification_error_for_downstream(client: ClientFor) -> None:
    async def after(ctx: Context, next: Next) -> None:
        error = ctx.state["jwt_original_error"]
        ctx.body = {"user": ctx.state.get("user"), "error": type(error).__name__}

    token = sign({"foo": "bar", "exp": int(time.time()) - 10})
    c = await client(app_with(jwt(secret=SECRET, passthrough=True), after))
    reply = await c.get("/", headers=bearer(token))
    assert reply.json() == {"user": None, "error": "ExpiredSignatureError"}


async def test_valid_jwt_in_the_header_sets_state_user(client: ClientFor) -> None:
    c = await client(app_with(jwt(secret=SECRET), echo_user))
    reply = await c.get("/", headers=bearer(sign({"foo": "bar"})))
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})


async def test_header_with_surrounding_whitespace_works(client: ClientFor) -> None:
    c = await client(app_with(jwt(secret=SECRET), echo_user))
    reply = await c.get("/", headers={"Authorization": f"    Bearer {sign({'foo': 'bar'})}  "})
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})


async def test_bearer_scheme_is_case_insensitive(client: ClientFor) -> None:
    c = await client(app_with(jwt(secret=SECRET), echo_user))
    reply = await c.get("/", headers={"Authorization": f"bEaReR {sign({'a': 1})}"})
    assert reply.json() == {"a": 1}


async def test_valid_jwt_for_one_of_the_secrets_works(client: ClientFor) -> None:
    c = await client(app_with(jwt(secret=[OTHER, SECRET]), echo_user))
    reply = await c.get("/", headers=bearer(sign({"foo": "bar"})))
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})


async def test_get_token_returning_a_valid_jwt_works(client: ClientFor) -> None:
    token = sign({"foo": "bar"})
    mw = jwt(secret=SECRET, get_token=lambda ctx: query_token(ctx))
    reply = await (await client(app_with(mw, echo_user))).get(f"/?token={token}")
    assert reply.json() == {"foo": "bar"}


async def test_async_get_token_is_awaited(client: ClientFor) -> None:
    async def get_token(ctx: Context) -> str | None:
        await asyncio.sleep(0)
        return ctx.get("X-Token") or None

    c = await client(app_with(jwt(secret=SECRET, get_token=get_token), echo_user))
    reply = await c.get("/", headers={"X-Token": sign({"via": "x-token"})})
    assert reply.json() == {"via": "x-token"}


async def test_the_first_resolved_token_is_used(client: ClientFor) -> None:
    valid, invalid = sign({"foo": "bar"}), sign({"foo": "bar"}, OTHER)
    mw = jwt(secret=SECRET, cookie="jwt", get_token=lambda ctx: query_token(ctx))
    c = await client(app_with(mw, echo_user))
    reply = await c.get(f"/?token={valid}", headers={"Cookie": f"jwt={invalid}"})
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})


async def test_cookie_with_a_valid_jwt_works(client: ClientFor) -> None:
    c = await client(app_with(jwt(secret=SECRET, cookie="jwt"), echo_user))
    reply = await c.get("/", headers={"Cookie": f"jwt={sign({'foo': 'bar'})}"})
    assert reply.json() == {"foo": "bar"}


async def test_cookie_is_tried_before_the_header(client: ClientFor) -> None:
    c = await client(app_with(jwt(secret=SECRET, cookie="jwt"), echo_user))
    reply = await c.get(
        "/",
        headers={"Cookie": f"jwt={sign({'from': 'cookie'})}", "Authorization": "nonsense"},
    )
    assert reply.json() == {"from": "cookie"}


async def test_key_names_the_state_field(client: ClientFor) -> None:
    async def echo(ctx: Context, next: Next) -> None:
        ctx.body = ctx.state["jwtdata"]

    c = await client(app_with(jwt(secret=SECRET, key="jwtdata"), echo))
    reply = await c.get("/", headers=bearer(sign({"foo": "bar"})))
    assert reply.json() == {"foo": "bar"}


async def test_secret_set_by_an_earlier_middleware_works(client: ClientFor) -> None:
    async def set_secret(ctx: Context, next: Next) -> None:
        ctx.state["secret"] = OTHER
        await next()

    c = await client(app_with(set_secret, jwt(secret=None), echo_user))
    reply = await c.get("/", headers=bearer(sign({"foo": "bar"}, OTHER)))
    assert reply.json() == {"foo": "bar"}


async def test_token_key_is_not_set_unless_asked(client: ClientFor) -> None:
    async def echo(ctx: Context, next: Next) -> None:
        ctx.body = {"token": ctx.state.get("token", "DONT_CLOBBER_ME")}

    async def preset(ctx: Context, next: Next) -> None:
        ctx.state["token"] = "DONT_CLOBBER_ME"
        await next()

    c = await client(app_with(preset, jwt(secret=SECRET), echo))
    reply = await c.get("/", headers=bearer(sign({"foo": "bar"})))
    assert reply.json() == {"token": "DONT_CLOBBER_ME"}


async def test_token_key_stores_the_raw_token(client: ClientFor) -> None:
    async def echo(ctx: Context, next: Next) -> None:
        ctx.body = {"token": ctx.state["raw"]}

    token = sign({"foo": "bar"})
    c = await client(app_with(jwt(secret=SECRET, token_key="raw"), echo))
    assert (await c.get("/", headers=bearer(token))).json() == {"token": token}


async def test_not_revoked_token_passes(client: ClientFor) -> None:
    seen: list[tuple[dict[str, Any], str]] = []

    async def is_revoked(ctx: Context, payload: dict[str, Any], token: str) -> bool:
        seen.append((payload, token))
        return False

    token = sign({"id": 1})
    c = await client(app_with(jwt(secret=SECRET, is_revoked=is_revoked), echo_user))
    assert (await c.get("/", headers=bearer(token))).json() == {"id": 1}
    assert seen == [({"id": 1}, token)]
