"""examples/blog.py over real HTTP, as a browser uses it: cookies kept, the
CSRF token read from the form, the post-redirect-get cycle."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest

from examples.blog import create_app
from koa.core.testing import Client, Reply, client_for

TOKEN = re.compile(r'name="_csrf" value="([^"]+)"')


@pytest.fixture
async def browser() -> AsyncIterator[Client]:
    """A client that keeps the blog's cookies, as a browser does."""
    async with client_for(create_app(), cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        yield client


async def form_token(browser: Client) -> str:
    page = await browser.get("/post/new")
    match = TOKEN.search(page.text)
    assert match is not None, page.text
    return match.group(1)


async def publish(browser: Client, title: str, body: str) -> Reply:
    token = await form_token(browser)
    return await browser.post("/post", data={"_csrf": token, "title": title, "body": body})


async def test_home_lists_no_posts_at_first(browser: Client) -> None:
    reply = await browser.get("/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>Posts</title>" in reply.text
    assert "<p>You have <strong>0</strong> posts!</p>" in reply.text


async def test_new_post_form_carries_a_csrf_token(browser: Client) -> None:
    reply = await browser.get("/post/new")
    assert "<title>New Post</title>" in reply.text
    assert '<form action="/post" method="post">' in reply.text
    assert len(await form_token(browser)) > 20


async def test_creating_a_post_redirects_home_with_a_flash(browser: Client) -> None:
    reply = await publish(browser, "Title", "Contents")
    assert (reply.status, reply.headers["Location"]) == (302, "/")
    home = await browser.get("/")
    assert "<p>You have <strong>1</strong> posts!</p>" in home.text
    assert "<h2>Title</h2>" in home.text
    assert '<p class="flash">Created “Title”.</p>' in home.text
    again = await browser.get("/")
    assert "flash" not in again.text.split("<body>")[1]  # shown once


async def test_a_post_is_shown_at_its_id(browser: Client) -> None:
    await publish(browser, "Title", "Contents")
    reply = await browser.get("/post/0")
    assert reply.status == 200
    assert "<h1>Title</h1>" in reply.text
    assert "<p>Contents</p>" in reply.text


async def test_posting_without_the_csrf_token_is_refused(browser: Client) -> None:
    await browser.get("/post/new")  # has a session
    reply = await browser.post("/post", data={"title": "x", "body": "y"})
    assert reply.status == 403
    assert "Invalid CSRF token" in reply.text
    assert "<strong>0</strong>" in (await browser.get("/")).text


async def test_a_token_from_another_session_is_refused(browser: Client) -> None:
    token = await form_token(browser)
    stranger = Client(browser.base_url, cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with stranger:
        await stranger.get("/post/new")  # a session of its own
        reply = await stranger.post("/post", data={"_csrf": token, "title": "x", "body": "y"})
    assert reply.status == 403


async def test_an_invalid_form_is_shown_again_with_its_errors(browser: Client) -> None:
    reply = await publish(browser, "   ", "Contents kept")
    assert reply.status == 400
    assert "<li>A title is needed.</li>" in reply.text
    assert "Contents kept</textarea>" in reply.text
    assert TOKEN.search(reply.text) is not None  # a fresh token to try again


async def test_too_long_fields_are_refused(browser: Client) -> None:
    reply = await publish(browser, "t" * 201, "b")
    assert reply.status == 400
    assert "longer than 200 characters" in reply.text


async def test_html_in_posts_is_escaped(browser: Client) -> None:
    await publish(browser, "<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
    page = (await browser.get("/post/0")).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize("path", ["/post/1", "/post/abc", "/post/-1", "/post/٣", "/nope"])
async def test_unknown_posts_are_a_404_page(browser: Client, path: str) -> None:
    reply = await browser.get(path)
    assert reply.status == 404
    assert "<h1>404</h1>" in reply.text
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"


async def test_a_wrong_method_is_a_405_page(browser: Client) -> None:
    token = await form_token(browser)
    reply = await browser.request("DELETE", "/post/new", headers={"X-CSRF-Token": token})
    assert reply.status == 405
    assert "<h1>405</h1>" in reply.text
    assert reply.headers["Allow"] == "HEAD, GET"


async def test_a_json_body_is_parsed_too(browser: Client) -> None:
    token = await form_token(browser)
    reply = await browser.post("/post", json={"_csrf": token, "title": "JSON", "body": "works"})
    assert reply.status == 302
    assert "<h2>JSON</h2>" in (await browser.get("/")).text


async def test_hostile_form_values_are_a_400_not_a_500(browser: Client) -> None:
    token = await form_token(browser)
    reply = await browser.post("/post", json={"_csrf": token, "title": ["a"], "body": {"x": 1}})
    assert reply.status == 400


async def test_the_session_cookie_is_signed_and_http_only(browser: Client) -> None:
    reply = await browser.get("/post/new")
    cookies = reply.headers.getall("Set-Cookie")
    assert any(c.startswith("koa.sess=") and "httponly" in c.lower() for c in cookies)
    assert any(c.startswith("koa.sess.sig=") for c in cookies)
