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


async def test_readme_example_counts_views_and_logs_out() -> None:
    async with client_for(readme_app(), cookie_jar=aiohttp.CookieJar(unsafe=True)) as c:
        assert (await c.get("/")).text == "1 views"
        assert (await c.get("/")).text == "2 views"
        assert (await c.get("/logout")).text == "bye"
        assert (await c.get("/")).text == "1 views"
