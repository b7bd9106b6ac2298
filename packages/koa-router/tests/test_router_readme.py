"""The README's first example runs, and does what the README says it does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from koa.core import Koa
from koa.core.testing import ClientFor

README = Path(__file__).parent.parent / "README.md"


def readme_app() -> Koa:
    source = re.search(r"```python\n(.*?)```", README.read_text("utf-8"), re.DOTALL)
    assert source is not None
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(source.group(1), str(README), "exec"), namespace)
    app = namespace["app"]
    assert isinstance(app, Koa)
    app.silent = True
    return app


async def test_readme_example(client: ClientFor) -> None:
    c = await client(readme_app())
    assert (await c.get("/users/1")).json() == {"id": "1", "name": "Ada"}
    assert (await c.get("/users")).json() == {"1": "Ada", "2": "Grace"}
    assert (await c.get("/users/9")).status == 404
    reply = await c.delete("/users")
    assert (reply.status, reply.headers["Allow"]) == (405, "HEAD, GET, POST")
    reply = await c.options("/users")
    assert (reply.status, reply.headers["Allow"]) == (200, "HEAD, GET, POST")
    reply = await c.post("/users")
    assert (reply.status, reply.headers["Location"]) == (201, "/users/3")
