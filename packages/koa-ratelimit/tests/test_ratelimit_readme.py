"""The README's first example runs, and does what the README says it does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

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


async def test_readme_example_allows_three_requests_a_minute() -> None:
    async with client_for(readme_app()) as c:
        replies = [await c.get("/") for _ in range(4)]
    assert [r.status for r in replies] == [200, 200, 200, 429]
    assert [r.headers["Rate-Limit-Remaining"] for r in replies] == ["2", "1", "0", "0"]
    assert replies[0].text == "Stuff!"
    assert replies[3].text in (
        "Rate limit exceeded, retry in 1 minute.",
        "Rate limit exceeded, retry in 60 seconds.",
    )
