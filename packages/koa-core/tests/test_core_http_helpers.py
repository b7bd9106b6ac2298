"""``koa.core.http``: the public helpers middleware packages share."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from koa.core import Context, Koa, Next
from koa.core import http as helpers
from koa.core.http import (
    EMPTY_STATUSES,
    client_gone,
    decode_uri_component,
    parse_http_date,
    safe_decode_uri_component,
)
from koa.core.testing import serving


def test_every_public_helper_is_documented() -> None:
    for name in helpers.__all__:
        assert (getattr(helpers, name).__doc__ or "").strip() or name == "EMPTY_STATUSES", name


def test_empty_statuses_are_the_ones_that_carry_no_body() -> None:
    assert frozenset({204, 205, 304}) == EMPTY_STATUSES


def test_decode_uri_component_decodes_utf8_escapes_and_keeps_plus() -> None:
    assert decode_uri_component("a%20b") == "a b"
    assert decode_uri_component("a+b") == "a+b"
    assert decode_uri_component("x%2Fy") == "x/y"
    assert decode_uri_component("%C3%A9t%C3%A9") == "été"
    assert decode_uri_component("plain") == "plain"


@pytest.mark.parametrize("text", ["100%", "%zz", "%E0%A4%A", "%FF", "%ED%A0%80"])
def test_decode_uri_component_raises_where_javascript_throws(text: str) -> None:
    with pytest.raises(ValueError):
        decode_uri_component(text)


def test_safe_decode_uri_component_keeps_malformed_text_raw() -> None:
    assert safe_decode_uri_component("a%20b") == "a b"
    assert safe_decode_uri_component("a+b") == "a+b"
    assert safe_decode_uri_component("x%2Fy") == "x/y"
    assert safe_decode_uri_component("%C3%A9t%C3%A9") == "été"
    assert safe_decode_uri_component("100%") == "100%"
    assert safe_decode_uri_component("%E0%A4%A") == "%E0%A4%A"
    assert safe_decode_uri_component("%zz") == "%zz"
    assert safe_decode_uri_component("%FF") == "%FF"  # not UTF-8
    assert safe_decode_uri_component("%ED%A0%80") == "%ED%A0%80"  # a surrogate


def test_parse_http_date_reads_an_http_date_as_an_aware_datetime() -> None:
    assert parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == datetime(
        1994, 11, 6, 8, 49, 37, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "value", [None, "", "yesterday", "Sun, 06 Nov 99999999999 08:49:37 GMT", "Sun, 06"]
)
def test_parse_http_date_gives_none_for_what_is_not_a_date(value: str | None) -> None:
    assert parse_http_date(value) is None


def test_parse_http_date_gives_a_naive_datetime_for_a_zone_less_date() -> None:
    parsed = parse_http_date("Sun, 06 Nov 1994 08:49:37 -0000")
    assert parsed is not None and parsed.tzinfo is None


async def test_client_gone_is_false_while_the_client_waits_and_true_once_it_left() -> None:
    seen: list[bool] = []
    done = asyncio.Event()
    app = Koa()

    async def mw(ctx: Context, next: Next) -> None:
        seen.append(client_gone(ctx.req))
        for _ in range(500):  # bounded wait for the client to go away
            if client_gone(ctx.req):
                break
            await asyncio.sleep(0.01)
        seen.append(client_gone(ctx.req))
        ctx.body = "too late"
        done.set()

    async with serving(app.use(mw)) as url:
        host, port = url.removeprefix("http://").split(":")
        _reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(0.2)
        writer.transport.abort()  # a full close, as a browser tab that is shut
        await asyncio.wait_for(done.wait(), 10)
    assert seen == [False, True]
