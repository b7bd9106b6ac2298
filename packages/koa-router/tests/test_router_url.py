"""``redirect()``, ``route()``, ``url()`` and ``Router.url_from_pattern()``.
Ported from @koa/router (R077-R093, R149).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.router import Router


async def noop(ctx: Context, next: Next) -> None:
    pass


def app_with(router: Router[Any]) -> Koa:
    app = Koa(silent=True)
    app.use(router.routes())
    return app


async def test_redirect_between_route_names(client: ClientFor) -> None:
    """R077"""
    router = Router()
    router.get("/", noop, name="home").get("/sign-up-form", noop, name="sign-up-form")
    router.redirect("home", "sign-up-form")
    reply = await (await client(app_with(router))).post("/")
    assert (reply.status, reply.headers["Location"]) == (301, "/sign-up-form")


async def test_redirect_from_a_path(client: ClientFor) -> None:
    """R078"""
    router = Router()
    router.redirect("/old", "/new")

    async def new(ctx: Context, next: Next) -> None:
        ctx.body = "new page"

    router.get("/new", new)
    reply = await (await client(app_with(router))).get("/old", headers={"Accept": "text/html"})
    assert (reply.status, reply.headers["Location"]) == (301, "/new")
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert reply.text == "Redirecting to /new."


async def test_redirect_to_a_route_name(client: ClientFor) -> None:
    """R079"""
    router = Router()
    router.get("/new", noop, name="newPage").redirect("/old", "newPage")
    reply = await (await client(app_with(router))).get("/old")
    assert (reply.status, reply.headers["Location"]) == (301, "/new")


async def test_redirect_with_non_string_route_names(client: ClientFor) -> None:
    """R080 (Python: any hashable, here sentinel objects, stands for a JS symbol)"""
    home, sign_up = object(), object()
    router = Router()
    router.get("/", noop, name=home).get("/sign-up-form", noop, name=sign_up)
    router.redirect(home, sign_up)
    reply = await (await client(app_with(router))).post("/")
    assert (reply.status, reply.headers["Location"]) == (301, "/sign-up-form")


def test_redirect_to_or_from_an_unknown_name_raises() -> None:
    """R081"""
    router = Router()
    for source, destination in [
        ("missing", "/destination"),
        ("/source", "missing"),
        (object(), "/destination"),
        ("/source", object()),
    ]:
        with pytest.raises(LookupError, match="No route found for name"):
            router.redirect(source, destination)


async def test_redirect_to_an_external_site(client: ClientFor) -> None:
    """R082"""
    router = Router()
    router.redirect("/", "https://www.example.com")
    reply = await (await client(app_with(router))).post("/")
    assert (reply.status, reply.headers["Location"]) == (301, "https://www.example.com/")


async def test_redirect_to_any_protocol(client: ClientFor) -> None:
    """R083"""
    router = Router()
    router.redirect("/", "my-custom-app-protocol://www.example.com/foo")
    reply = await (await client(app_with(router))).post("/")
    assert reply.status == 301
    assert reply.headers["Location"] == "my-custom-app-protocol://www.example.com/foo"


async def test_redirect_status_can_be_chosen(client: ClientFor) -> None:
    router = Router()
    router.redirect("/a", "/b", 308)
    assert (await (await client(app_with(router))).get("/a")).status == 308


def test_route_finds_names_of_mounted_routers() -> None:
    """R084"""
    child = object()
    sub = Router().get("/hello", noop, name="child").get("/sym", noop, name=child)
    router = Router().use(sub.routes())
    found = router.route("child")
    assert found is not None and found.name == "child"
    found = router.route(child)
    assert found is not None and found.name is child
    assert router.route("Picard") is None
    assert router.route(object()) is None


def test_url_by_name_with_dict_or_positional_params() -> None:
    """R085"""
    router = Router()
    router.get("/:category/:title", noop, name="books")
    params = {"category": "programming", "title": "how to node"}
    assert router.url("books", params) == "/programming/how%20to%20node"
    assert router.url("books", "programming", "how to node") == "/programming/how%20to%20node"


def test_url_of_a_route_in_an_embedded_router() -> None:
    """R086"""
    router = Router(prefix="/books")
    embedded = Router(prefix="/chapters")
    embedded.get("/:chapterName/:pageNumber", noop, name="chapters")
    router.use(embedded.routes())
    expected = "/books/chapters/Learning%20ECMA6/123"
    assert router.url("chapters", {"chapterName": "Learning ECMA6", "pageNumber": 123}) == expected
    assert router.url("chapters", "Learning ECMA6", 123) == expected


def test_url_of_a_route_two_routers_deep() -> None:
    """R087"""
    router = Router(prefix="/books")
    embedded = Router(prefix="/chapters")
    embedded2 = Router(prefix="/:chapterName/pages")
    embedded2.get("/:pageNumber", noop, name="chapters")
    embedded.use(embedded2.routes())
    router.use(embedded.routes())
    url = router.url("chapters", {"chapterName": "Learning ECMA6", "pageNumber": 123})
    assert url == "/books/chapters/Learning%20ECMA6/pages/123"


def test_url_with_params_and_query() -> None:
    """R088"""
    router = Router()
    router.get("/books/:category/:id", noop, name="books")
    query: dict[str, object] = {"page": 3, "limit": 10}
    expected = "/books/programming/4?page=3&limit=10"
    assert router.url("books", "programming", 4, query=query) == expected
    assert router.url("books", {"category": "programming", "id": 4}, query=query) == expected
    assert (
        router.url("books", {"category": "programming", "id": 4}, query="page=3&limit=10")
        == expected
    )


def test_url_without_params_with_query() -> None:
    """R089"""
    router = Router()
    router.get("/books", noop, name="books").get("/category", noop, name="category")
    assert router.url("books") == "/books"
    assert router.url("books", {}, query={"page": 3, "limit": 10}) == "/books?page=3&limit=10"
    assert router.url("books", {}, query="page=3&limit=10") == "/books?page=3&limit=10"
    assert router.url("category", query={"page": 3, "limit": 10}) == "/category?page=3&limit=10"


def test_url_of_an_unknown_name_raises() -> None:
    """R090 (@koa/router returns the Error; we raise it)"""
    router = Router()
    router.get("/books", noop, name="books").get("/enterprise", noop, name=object())
    with pytest.raises(LookupError, match="No route found for name: Picard"):
        router.url("Picard")
    with pytest.raises(LookupError):
        router.url(object())
    assert (
        Router.url_from_pattern(
            "/:category/:title", {"category": "programming", "title": "how to node & js/ts"}
        )
        == "/programming/how%20to%20node%20%26%20js%2Fts"
    )


def test_url_query_forms() -> None:
    """R091"""
    router = Router()
    router.get("/users/:id", noop, name="user").get("/", noop, name="home")
    router.get("/users/:id/:action", noop, name="action")
    assert router.url("user", {"id": 123}, query={"page": 1}) == "/users/123?page=1"
    assert router.url("home", query={"sort": "asc"}) == "/?sort=asc"
    assert router.url("user", {"id": 456}, query={"detail": "full"}) == "/users/456?detail=full"
    assert (
        router.url("action", 789, "edit", query={"confirm": "yes"}) == "/users/789/edit?confirm=yes"
    )


def test_url_of_a_regex_route_raises() -> None:
    """R092"""
    router = Router()
    router.get(re.compile(r"^/users/\d+$"), noop, name="user")
    with pytest.raises(TypeError, match="Cannot generate URL for routes defined with RegExp"):
        router.url("user", {"id": 1})


def test_url_encodes_values_repeats_list_keys_and_reports_missing_params() -> None:
    """R093"""
    router = Router()
    router.get("/users/:id", noop, name="u")
    url = router.url("u", {"id": "a b/c"}, query={"x": [1, 2], "y": "z"})
    assert url == "/users/a%20b%2Fc?x=1&x=2&y=z"
    with pytest.raises(TypeError, match="Missing parameters: id"):
        router.url("u", {})


def test_static_url_from_pattern() -> None:
    """R149"""
    params = {"category": "programming", "title": "how-to-node"}
    assert Router.url_from_pattern("/:category/:title", params) == "/programming/how-to-node"
    assert (
        Router.url_from_pattern("/:category/:title", {"category": "a b", "title": "c"})
        == "/a%20b/c"
    )
    query: dict[str, object] = {"page": 3, "limit": 10}
    assert (
        Router.url_from_pattern("/books/:category/:id", "programming", 4, query=query)
        == "/books/programming/4?page=3&limit=10"
    )
    assert (
        Router.url_from_pattern("/category", query={"page": 3, "limit": 10})
        == "/category?page=3&limit=10"
    )


def test_url_of_optional_groups_and_wildcards() -> None:
    router = Router()
    router.get("/files/*path", noop, name="file").get("/user{/:id}", noop, name="user")
    assert router.url("file", {"path": "a/b c.txt"}) == "/files/a/b%20c.txt"
    assert router.url("file", {"path": ["a", "b/c"]}) == "/files/a/b%2Fc"
    assert router.url("user") == "/user"
    assert router.url("user", {"id": 7}) == "/user/7"
