"""The public surface of koa.cors is exactly the documented names, and the
README's example runs and does what it says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import koa.cors
from koa.core import Koa
from koa.core.testing import ClientFor

README = Path(__file__).parent.parent / "README.md"


def test_cors_exports_exactly_the_documented_names() -> None:
    assert sorted(koa.cors.__all__) == [
        "CredentialsFunction",
        "OriginFunction",
        "OriginResult",
        "__version__",
        "cors",
    ]
    for name in koa.cors.__all__:
        assert hasattr(koa.cors, name)


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
    reply = await c.get("/api/users", headers={"Origin": "https://app.example"})
    assert reply.json() == [{"id": 1, "name": "Ada"}]
    assert reply.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"
    assert reply.headers["Vary"] == "Origin"

    preflight = {
        "Origin": "https://app.example",
        "Access-Control-Request-Method": "DELETE",
        "Access-Control-Request-Headers": "Authorization",
    }
    reply = await c.options("/api/users", headers=preflight)
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Headers"] == "Authorization"
    assert reply.headers["Access-Control-Max-Age"] == "600"

    reply = await c.get("/api/users", headers={"Origin": "https://evil.example"})
    assert reply.status == 200
    assert "Access-Control-Allow-Origin" not in reply.headers
