"""The README's first example runs, and does what the README says it does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import aiohttp

from koa.core import Koa
from koa.core.testing import client_for

README = Path(__file__).parent.parent / "README.md"


def readme_app() -> Koa:
    source = re.search(r"```python\n(.*?)```", README.read_text("utf-8"), re.DOTALL)
    assert source is not None
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(source.group(1), str(README), "exec"), namespace)
    app = namespace["app"]
    assert isinstance(app, Koa)
    return app


async def test_readme_example_needs_the_token_back_to_post() -> None:
    async with client_for(readme_app(), cookie_jar=aiohttp.CookieJar(unsafe=True)) as c:
        token = (await c.get("/")).json()["csrf"]
        refused = await c.post("/")
        assert (refused.status, refused.text) == (403, "Invalid CSRF token")
        saved = await c.post("/", headers={"X-CSRF-Token": token})
        assert saved.json() == {"saved": True}
