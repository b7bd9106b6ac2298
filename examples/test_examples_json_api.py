"""examples/json_api.py over real HTTP: routes, bodies, and JSON errors."""

from __future__ import annotations

import io
from typing import Any

from examples.json_api import app, create_app
from koa.core import Context, Koa, Next
from koa.core.testing import Client, ClientFor


async def api(client: ClientFor) -> Client:
    return await client(create_app())


async def test_json_api_module_exposes_an_app() -> None:
    assert isinstance(app, Koa)


async def test_json_api_creates_lists_and_shows_todos(client: ClientFor) -> None:
    c = await api(client)
    created = await c.post("/todos", json={"title": "write docs"})
    assert created.status == 201
    assert created.headers["Location"] == "/todos/1"
    assert created.json() == {"id": 1, "title": "write docs", "done": False}
    assert (await c.get("/todos")).json() == [created.json()]
    assert (await c.get("/todos/1")).json() == created.json()


async def test_json_api_updates_and_deletes_a_todo(client: ClientFor) -> None:
    c = await api(client)
    await c.post("/todos", json={"title": "a"})
    updated = await c.patch("/todos/1", json={"done": True, "title": " b "})
    assert updated.json() == {"id": 1, "title": "b", "done": True}
    deleted = await c.delete("/todos/1")
    assert (deleted.status, deleted.body) == (204, b"")
    assert (await c.get("/todos/1")).status == 404


async def test_json_api_answers_unknown_todo_with_json_404(client: ClientFor) -> None:
    reply = await (await api(client)).get("/todos/7")
    assert reply.status == 404
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    assert reply.json() == {"error": "no todo 7"}


async def test_json_api_rejects_a_non_numeric_id_with_400(client: ClientFor) -> None:
    c = await api(client)
    for bad in ("abc", "1x", "9" * 5000):
        reply = await c.get(f"/todos/{bad}")
        assert reply.status == 400, bad
        assert reply.json()["error"].startswith('Invalid value for parameter "id"')


async def test_json_api_answers_invalid_json_with_400(client: ClientFor) -> None:
    reply = await (await api(client)).post(
        "/todos", data=b"{bad", headers={"Content-Type": "application/json"}
    )
    assert (reply.status, reply.json()) == (400, {"error": "Bad Request"})


async def test_json_api_validates_bodies_with_422(client: ClientFor) -> None:
    c = await api(client)
    bodies: list[Any] = [[1], {}, {"title": ""}, {"title": 3}]
    for body in bodies:
        reply = await c.post("/todos", json=body)
        assert reply.status == 422, body
    await c.post("/todos", json={"title": "a"})
    reply = await c.patch("/todos/1", json={"done": "yes"})
    assert reply.json() == {"error": "done must be true or false"}


async def test_json_api_answers_a_too_large_body_with_413(client: ClientFor) -> None:
    body = io.BytesIO(b'{"title": "%s"}' % (b"x" * (1 << 20)))
    reply = await (await api(client)).post(
        "/todos", data=body, headers={"Content-Type": "application/json"}
    )
    assert reply.status == 413
    assert "error" in reply.json()


async def test_json_api_answers_wrong_methods_with_405_and_allow(client: ClientFor) -> None:
    reply = await (await api(client)).delete("/todos")
    assert reply.status == 405
    assert reply.headers["Allow"] == "HEAD, GET, POST"
    assert reply.json() == {"error": "Method Not Allowed"}


async def test_json_api_answers_unknown_paths_with_json_404(client: ClientFor) -> None:
    reply = await (await api(client)).get("/nope")
    assert (reply.status, reply.json()) == (404, {"error": "Not Found"})


async def test_json_api_hides_and_reports_unexpected_errors(client: ClientFor) -> None:
    app = create_app()
    errors: list[BaseException] = []
    app.on("error", lambda err, ctx: errors.append(err))

    async def broken(ctx: Context, next: Next) -> None:
        raise RuntimeError("database password is hunter2")

    app.middleware.insert(1, broken)
    reply = await (await client(app)).get("/todos")
    assert (reply.status, reply.json()) == (500, {"error": "Internal Server Error"})
    assert [str(err) for err in errors] == ["database password is hunter2"]
