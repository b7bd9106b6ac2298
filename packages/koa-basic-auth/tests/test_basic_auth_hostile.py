"""Hostile input: malformed Authorization headers are a 401, never a 500; bad
options fail at setup with a message that says what to do."""

from __future__ import annotations

import asyncio
import base64
import logging
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koa.basic_auth import Credentials, basic_auth, parse_authorization
from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, Serve


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


async def secret(ctx: Context, next: Next) -> None:
    ctx.body = "Protected"


def protected() -> Koa:
    app = Koa(silent=True)
    app.use(basic_auth(name="user", password="pass"))
    app.use(secret)
    return app


async def raw_request(url: str, head: bytes) -> bytes:
    """Send *head* (request line and headers, bytes as given) and read the reply."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(head + b"Connection: close\r\n\r\n")
    await writer.drain()
    reply = await reader.read()
    writer.close()
    await writer.wait_closed()
    return reply


MALFORMED = {
    "empty": "",
    "scheme only": "Basic",
    "scheme and space": "Basic ",
    "other scheme": "Bearer " + b64(b"user:pass"),
    "no space": "Basic" + b64(b"user:pass"),
    "bad base64 characters": "Basic !!!!****",
    "base64 with inner padding": "Basic dXNl=cjpwYXNz",
    "two tokens": "Basic " + b64(b"user:pass") + " " + b64(b"user:pass"),
    "no colon": "Basic " + b64(b"userpass"),
    "non-UTF-8": "Basic " + b64(b"\xff\xfe:\xc3\x28"),
    "non-UTF-8 password": "Basic " + b64(b"user:\xffpass"),
    "lone base64 character": "Basic A",
    "only padding": "Basic ====",
    "NUL in credentials": "Basic " + b64(b"user\x00:pass"),
    "very long": "Basic " + "A" * 7000,
}


@pytest.mark.parametrize("header", list(MALFORMED.values()), ids=list(MALFORMED))
async def test_malformed_authorization_is_401(client: ClientFor, header: str) -> None:
    reply = await (await client(protected())).get("/", headers={"Authorization": header})
    assert reply.status == 401
    assert reply.text == "Unauthorized"
    assert reply.headers["WWW-Authenticate"] == 'Basic realm="Secure Area"'


async def test_raw_non_ascii_bytes_in_the_header_are_401(serve: Serve) -> None:
    url = await serve(protected())
    reply = await raw_request(
        url, b"GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \xff\xfe\r\n"
    )
    assert reply.startswith(b"HTTP/1.1 401 ")
    assert reply.endswith(b"\r\n\r\nUnauthorized")


async def test_raw_utf8_bytes_in_the_header_are_401(serve: Serve) -> None:
    url = await serve(protected())
    head = "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ü:ü\r\n".encode()
    assert (await raw_request(url, head)).startswith(b"HTTP/1.1 401 ")


async def test_repeated_authorization_headers_do_not_crash(serve: Serve) -> None:
    url = await serve(protected())
    good = b64(b"user:pass").encode()
    head = b"GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic !!\r\nAuthorization: Basic " + good
    reply = await raw_request(url, head + b"\r\n")
    assert reply.split(b" ")[1] in (b"200", b"400", b"401")


async def test_nothing_is_logged_for_a_401(
    client: ClientFor, caplog: pytest.LogCaptureFixture
) -> None:
    app = Koa()  # not silent: a 401 is exposed, so Koa does not log it
    app.use(basic_auth(name="u", password="p"))
    with caplog.at_level(logging.ERROR, logger="koa"):
        reply = await (await client(app)).get("/", headers={"Authorization": "Basic %%%"})
    assert reply.status == 401
    assert caplog.records == []


async def test_a_failing_check_function_is_a_500_without_details(client: ClientFor) -> None:
    def check(name: str, password: str) -> bool:
        raise RuntimeError("database down: postgres://admin:hunter2@db")

    app = Koa(silent=True)
    app.use(basic_auth(check=check))
    reply = await (await client(app)).get("/", headers={"Authorization": "Basic " + b64(b"a:b")})
    assert (reply.status, reply.text) == (500, "Internal Server Error")


@given(st.text(max_size=200))
def test_parsing_any_text_never_raises(header: str) -> None:
    result = parse_authorization(header)
    assert result is None or isinstance(result, Credentials)


@given(st.binary(max_size=200))
def test_parsing_any_base64_payload_never_raises(raw: bytes) -> None:
    result = parse_authorization("Basic " + b64(raw))
    if b":" in raw and result is not None:
        assert (result.name + ":" + result.password).encode() == raw


@given(st.text(alphabet=st.characters(exclude_characters=":"), max_size=30), st.text(max_size=30))
def test_any_utf8_pair_round_trips(name: str, password: str) -> None:
    header = "Basic " + b64(f"{name}:{password}".encode("utf-8", "surrogatepass"))
    expected = (
        None if any(0xD800 <= ord(c) <= 0xDFFF for c in name + password) else (name, password)
    )
    result = parse_authorization(header)
    assert (None if result is None else tuple(result)) == expected


def test_parse_accepts_url_safe_base64_and_missing_padding() -> None:
    assert parse_authorization("Basic dGo6dG9iaQ") == Credentials("tj", "tobi")
    token = base64.urlsafe_b64encode(b"a:\xfb\xff").decode()  # has "-" / "_"
    assert parse_authorization("Basic " + token) is None  # decodes, but not UTF-8
    assert parse_authorization("  Basic   dGo6dG9iaQ==  ") == Credentials("tj", "tobi")


def test_empty_name_and_password_are_parsed_as_empty() -> None:
    assert parse_authorization("Basic " + b64(b":")) == Credentials("", "")


@pytest.mark.parametrize(
    "options",
    [{"name": ""}, {"password": ""}, {"name": "", "password": ""}],
    ids=["empty name", "empty password", "both empty"],
)
def test_empty_strings_are_refused(options: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="is empty: pass None"):
        basic_auth(**options)  # type: ignore[arg-type]


@pytest.mark.parametrize("option", ["name", "password", "realm"])
def test_non_string_options_are_refused(option: str) -> None:
    options: dict[str, object] = {"name": "u", option: b"bytes"}
    with pytest.raises(TypeError, match=rf"{option}=\.\.\.\) must be a str"):
        basic_auth(**options)  # type: ignore[arg-type]


@pytest.mark.parametrize("realm", ["a\r\nSet-Cookie: x=1", "tab\there", "nul\x00", "é"])
def test_realm_that_cannot_be_a_header_is_refused(realm: str) -> None:
    with pytest.raises(ValueError, match="printable ASCII"):
        basic_auth(name="u", realm=realm)


def test_check_must_be_callable() -> None:
    with pytest.raises(TypeError, match=r"check=\.\.\.\) must be a function"):
        basic_auth(check="admin:secret")  # type: ignore[arg-type]


def test_check_and_a_fixed_pair_are_exclusive() -> None:
    with pytest.raises(ValueError, match="either check= or name=/password="):
        basic_auth(name="u", check=lambda name, password: True)


async def test_check_returning_a_truthy_non_bool_passes(client: ClientFor) -> None:
    app = Koa(silent=True)
    app.use(basic_auth(check=lambda name, password: {"id": 1} if name == "a" else None))  # type: ignore[arg-type,return-value]
    app.use(secret)
    c = await client(app)
    assert (await c.get("/", headers={"Authorization": "Basic " + b64(b"a:b")})).status == 200
    assert (await c.get("/", headers={"Authorization": "Basic " + b64(b"z:b")})).status == 401
