"""JSON bodies holding Python values JSON has no type for (issue 17, item 14):
Koa's ``JSON.stringify`` calls ``toJSON()``; here dates, UUIDs, decimals,
enums and dataclasses get sensible defaults, and ``app.json_default`` converts
an app's own types. Over a real server.
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, Reply


class Colour(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Point:
    x: int
    seen: date


class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents


async def body_of(client: ClientFor, body: Any, app: Koa | None = None) -> Reply:
    app = app or Koa()

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = body

    app.use(mw)
    return await (await client(app)).get("/")


async def test_an_aware_datetime_is_sent_as_date_to_json(client: ClientFor) -> None:
    """``Date.prototype.toJSON``: UTC, milliseconds, ``Z``."""
    when = datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(timedelta(hours=2)))
    reply = await body_of(client, {"at": when})
    assert (reply.status, reply.text) == (200, '{"at":"2024-01-02T01:04:05.678Z"}')


async def test_naive_dates_and_times_are_sent_in_iso_format(client: ClientFor) -> None:
    body = {"at": datetime(2024, 1, 2, 3, 4, 5), "day": date(2024, 1, 2), "time": time(9, 30)}
    reply = await body_of(client, body)
    assert reply.json() == {"at": "2024-01-02T03:04:05", "day": "2024-01-02", "time": "09:30:00"}


async def test_uuid_decimal_and_enum_are_sent_as_their_values(client: ClientFor) -> None:
    body = {"id": uuid.UUID(int=1), "price": Decimal("1.10"), "colour": Colour.RED}
    reply = await body_of(client, body)
    assert reply.json() == {
        "id": "00000000-0000-0000-0000-000000000001",
        "price": "1.10",
        "colour": "red",
    }


async def test_a_dataclass_body_is_sent_as_an_object(client: ClientFor) -> None:
    reply = await body_of(client, [Point(1, date(2020, 1, 1))])
    assert (reply.headers["Content-Type"], reply.json()) == (
        "application/json; charset=utf-8",
        [{"x": 1, "seen": "2020-01-01"}],
    )


async def test_app_json_default_converts_the_apps_own_types(client: ClientFor) -> None:
    app = Koa()

    def json_default(value: Any) -> Any:
        if isinstance(value, Money):
            return f"{value.cents / 100:.2f} EUR"
        if isinstance(value, Decimal):
            return float(value)
        raise TypeError(type(value).__name__)

    app.json_default = json_default
    reply = await body_of(
        client, {"total": Money(1250), "rate": Decimal("0.5"), "c": Colour.RED}, app
    )
    assert reply.json() == {"total": "12.50 EUR", "rate": 0.5, "c": "red"}


async def test_an_unknown_type_is_a_500_that_says_what_to_do(client: ClientFor) -> None:
    app = Koa(silent=True)
    errors: list[str] = []
    app.on("error", lambda err, ctx: errors.append(str(err)))
    reply = await body_of(client, {"total": Money(1)}, app)
    assert reply.status == 500
    assert errors and "app.json_default" in errors[0]


async def test_a_json_default_that_fails_is_a_500_and_the_server_keeps_serving(
    client: ClientFor,
) -> None:
    app = Koa(silent=True)

    def broken(value: Any) -> Any:
        raise ValueError("broken hook")

    app.json_default = broken

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = {"id": uuid.UUID(int=2)} if ctx.path == "/uuid" else {"plain": 1}

    c = await client(app.use(mw))
    assert (await c.get("/uuid")).status == 500
    assert (await c.get("/plain")).json() == {"plain": 1}
