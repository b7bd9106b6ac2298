"""The query string: ``ctx.query``, ``ctx.querystring``, ``ctx.search`` and
the flat URLSearchParams-style parser and serialiser behind them.

Ported from Koa's ``__tests__/lib/search-params.test.js`` and
``__tests__/request/{query,querystring,search}.test.js`` (K143-K146,
K185-K188).
"""

from __future__ import annotations

from typing import Any

import pytest

from koa.core import Context, Koa, Next
from koa.core.request import parse_query, stringify_query
from koa.core.testing import ClientFor, create_context


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"a": 1, "b": "b"}, "a=1&b=b"),
        ({"a": [1, 2]}, "a=1&a=2"),
        ({"a": [1]}, "a=1"),
        ({"a": [""]}, "a="),
        ({"a": {"b": 1}}, "a="),
        ({"a": None}, "a="),
        ({"a": True}, "a=true"),
        ({"a b": "c&d=e"}, "a+b=c%26d%3De"),
    ],
)
def test_stringify(query: dict[str, Any], expected: str) -> None:
    """K143 ([3.3] booleans)"""
    assert stringify_query(query) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a=1&b=2", {"a": "1", "b": "2"}),
        ("a=1&a=2", {"a": ["1", "2"]}),
        ("a=", {"a": ""}),
        ("a", {"a": ""}),
        ("", {}),
        ("b=x+y&c=%E2%82%AC", {"b": "x y", "c": "€"}),
    ],
)
def test_parse(text: str, expected: dict[str, Any]) -> None:
    """Parse (K144)."""
    assert parse_query(text) == expected


async def test_query_is_flat_and_keeps_special_keys(client: ClientFor) -> None:
    """K145 (no nesting, no prototype keys: robustness against pollution)"""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = ctx.query

    app = Koa()
    app.use(mw)
    reply = await (await client(app)).get("/?a=1&a=2&b=x+y&c[d]=1&e=&f&__proto__=p&constructor=c")
    assert reply.json() == {
        "a": ["1", "2"],
        "b": "x y",
        "c[d]": "1",
        "e": "",
        "f": "",
        "__proto__": "p",
        "constructor": "c",
    }


async def test_query_assignment_rewrites_the_url(client: ClientFor) -> None:
    """Query assignment rewrites the url (K146)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.query = {"a": [1, 2], "b": {"c": 1}, "d": "x y"}
        ctx.body = {"url": ctx.url, "qs": ctx.querystring}

    app = Koa()
    app.use(mw)
    reply = await (await client(app)).get("/p?z=1")
    assert reply.json() == {"url": "/p?a=1&a=2&b=&d=x+y", "qs": "a=1&a=2&b=&d=x+y"}


def test_query_of_a_bare_path_is_empty() -> None:
    """Query of a bare path is empty (K185)."""
    assert create_context(url="/").query == {}


def test_query_mutations_persist() -> None:
    """K185 (the same dict is returned while the query string is unchanged)"""
    ctx = create_context(url="/")
    ctx.query["a"] = "2"
    assert ctx.query["a"] == "2"
    assert ctx.query is ctx.query


def test_query_values_are_strings() -> None:
    """Query values are strings (K185)."""
    assert create_context(url="/?page=2").query == {"page": "2"}


def test_query_assignment_sets_url_querystring_and_search() -> None:
    """Query assignment sets url querystring and search (K186)."""
    ctx = create_context(url="/store/shoes")
    ctx.query = {"page": 2, "color": "blue"}
    assert ctx.url == "/store/shoes?page=2&color=blue"
    assert ctx.querystring == "page=2&color=blue"
    assert ctx.search == "?page=2&color=blue"
    assert ctx.original_url == "/store/shoes"


def test_querystring_is_the_raw_query() -> None:
    """Querystring is the raw query (K187)."""
    ctx = create_context(url="/store/shoes?page=2&color=blue")
    assert ctx.querystring == "page=2&color=blue"
    assert create_context(url="/store/shoes").querystring == ""


def test_querystring_assignment_updates_url_and_query() -> None:
    """Querystring assignment updates url and query (K187)."""
    ctx = create_context(url="/store/shoes")
    ctx.querystring = "page=2&color=blue"
    assert ctx.url == "/store/shoes?page=2&color=blue"
    assert ctx.search == "?page=2&color=blue"
    assert ctx.query == {"page": "2", "color": "blue"}
    assert ctx.original_url == "/store/shoes"


def test_querystring_assignment_of_the_same_value_keeps_the_url() -> None:
    """Querystring assignment of the same value keeps the url (K187)."""
    ctx = create_context(url="/store/shoes?page=2&color=blue")
    ctx.querystring = "page=2&color=blue"
    assert ctx.url == "/store/shoes?page=2&color=blue"


@pytest.mark.parametrize("value", ["?page=2&color=blue", "page=2&color=blue"])
def test_search_assignment(value: str) -> None:
    """Search assignment (K188)."""
    ctx = create_context(url="/store/shoes")
    ctx.search = value
    assert ctx.url == "/store/shoes?page=2&color=blue"
    assert ctx.search == "?page=2&color=blue"
    assert ctx.querystring == "page=2&color=blue"
    assert ctx.query == {"page": "2", "color": "blue"}
    assert ctx.original_url == "/store/shoes"


def test_search_is_empty_without_a_query() -> None:
    """Search is empty without a query (K188)."""
    assert create_context(url="/store/shoes").search == ""


def test_query_follows_a_url_rewrite() -> None:
    """K185 (the cache is keyed on the query string)"""
    ctx = create_context(url="/a?x=1")
    assert ctx.query == {"x": "1"}
    ctx.url = "/b?y=2"
    assert ctx.query == {"y": "2"}
