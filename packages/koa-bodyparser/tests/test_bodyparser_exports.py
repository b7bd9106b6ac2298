"""The public surface of koa.bodyparser, and the typed handler it enables."""

from __future__ import annotations

import koa.bodyparser
from koa.bodyparser import BodyParserContext, bodyparser
from koa.core import Koa, Next
from koa.core.testing import ClientFor


def test_all_is_exactly_the_documented_names() -> None:
    assert sorted(koa.bodyparser.__all__) == [
        "BodyParserContext",
        "BodyRequest",
        "UnsupportedBodyTypeError",
        "UploadedFile",
        "__version__",
        "bodyparser",
    ]


async def test_a_typed_handler_reads_the_body_without_casts(client: ClientFor) -> None:
    # Type-checked by mypy --strict with the rest of the suite: ctx.request.body
    # and raw_body are known attributes of BodyParserContext.request.
    async def create(ctx: BodyParserContext, next: Next) -> None:
        name: str = ctx.request.body["name"]
        raw: str | None = ctx.request.raw_body
        ctx.body = {"hello": name, "raw": raw, "files": len(ctx.request.files)}

    app = Koa().use(bodyparser()).use(create)
    reply = await (await client(app)).post("/", json={"name": "koa"})
    assert reply.json() == {"hello": "koa", "raw": '{"name": "koa"}', "files": 0}
