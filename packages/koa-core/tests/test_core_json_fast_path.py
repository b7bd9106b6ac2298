"""With orjson installed (``koa-core[orjson]``), response bodies are encoded by
orjson, and the bytes are exactly those of the stdlib path, whatever the value;
``KOA_JSON_STDLIB=1`` turns orjson off."""

from __future__ import annotations

import dataclasses
import enum
import math
import os
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koa.core import Context, Koa, Next, _body, _fastjson
from koa.core._body import dump_json, stdlib_dump_json
from koa.core.testing import ClientFor

orjson = pytest.importorskip("orjson")

# Every str, lone surrogates and astral characters included.
texts = st.text(st.characters(codec=None, categories=None), max_size=20) | st.sampled_from(
    ["\ud800", "a\udfffb", "\U0001f600", "\u2028\u2029", "\x00\x1f\x7f", '"\\/', "é", "e-1x"]
)
ints = st.integers() | st.sampled_from([2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1])
floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [1e-5, 1.5e-7, 0.0001, 1e16, 1e-300, 5e-324, -0.0, 1e308, 0.1 + 0.2, 2.0**63, 123.456]
)
scalars = st.none() | st.booleans() | ints | floats | texts
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(texts, inner, max_size=5)
        | st.tuples(inner, inner)
    ),
    max_leaves=30,
)


class Colour(enum.Enum):
    RED = "red"
    TEN = 10


class Size(enum.IntEnum):
    SMALL = 1


class Label(str):
    pass


class Count(int):
    pass


@dataclasses.dataclass
class Point:
    x: float
    y: Any


class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents

    def to_json(self) -> Any:
        return {"cents": self.cents, "ratio": self.cents / 3}


hook_values = (
    st.datetimes()
    | st.datetimes(timezones=st.just(UTC))
    | st.datetimes(timezones=st.just(timezone(timedelta(hours=5, minutes=30))))
    | st.dates()
    | st.times()
    | st.uuids()
    | st.decimals(allow_nan=False)
    | st.sampled_from([Colour.RED, Colour.TEN, Size.SMALL])
    | st.builds(Label, texts)
    | st.builds(Count, st.integers())
    | st.builds(Point, floats, scalars)
    | st.builds(Money, st.integers(-(10**6), 10**6))
    | st.frozensets(st.integers(0, 9), max_size=3)
    | st.dictionaries(st.integers() | st.booleans() | st.none(), scalars, max_size=3)
)
any_values = st.recursive(
    scalars | hook_values,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)


def outcome(encode: Any, value: Any) -> tuple[str, Any]:
    try:
        return "bytes", encode(value)
    except (TypeError, ValueError, RecursionError) as err:
        return type(err).__name__, str(err)


def test_orjson_is_used_when_installed_unless_koa_json_stdlib_is_set() -> None:
    expected = None if _fastjson.FORCE_STDLIB else orjson
    assert _fastjson.orjson is expected
    assert getattr(_body, "orjson") is expected  # noqa: B009 - imported, not exported


@given(json_values)
def test_json_values_encode_to_the_same_bytes_as_the_stdlib_path(value: Any) -> None:
    assert outcome(dump_json, value) == outcome(stdlib_dump_json, value)


@given(any_values)
def test_values_the_default_hook_handles_encode_to_the_same_bytes(value: Any) -> None:
    assert outcome(dump_json, value) == outcome(stdlib_dump_json, value)


@given(floats)
def test_every_float_encodes_as_python_writes_it(value: float) -> None:
    expected = repr(value).encode() if math.isfinite(value) else b"null"
    assert dump_json(value) == expected == stdlib_dump_json(value)
    assert dump_json([value]) == b"[" + expected + b"]"


@pytest.mark.parametrize(
    "value",
    [1e-5, -2.5e-05, 1.7e-9, 0.00001321158864366159, [1e-5, {"a": 3e-7}]],
)
def test_small_floats_keep_pythons_exponent_form(value: Any) -> None:
    assert dump_json(value) == stdlib_dump_json(value)
    assert b"0.0000" not in dump_json(value)


def test_nan_inside_a_hook_result_still_raises_as_in_the_stdlib_path() -> None:
    value = {"p": Point(math.nan, None)}
    assert outcome(dump_json, value) == outcome(stdlib_dump_json, value)
    assert outcome(dump_json, value)[0] == "ValueError"


def test_nan_in_plain_data_is_null_on_both_paths() -> None:
    value = {"a": [math.nan, math.inf, 1.5], "b": (math.nan,)}
    assert dump_json(value) == stdlib_dump_json(value) == b'{"a":[null,null,1.5],"b":[null]}'


def test_unserialisable_values_raise_the_stdlib_paths_type_error() -> None:
    value = {"a": [object()]}
    kind, message = outcome(dump_json, value)
    assert (kind, message) == outcome(stdlib_dump_json, value)
    assert kind == "TypeError" and "to_json()" in message


def test_circular_structures_fail_as_in_the_stdlib_path() -> None:
    value: list[Any] = []
    value.append(value)
    assert outcome(dump_json, value)[0] == outcome(stdlib_dump_json, value)[0] == "RecursionError"


def test_a_datetime_is_encoded_by_koas_hook_not_orjson() -> None:
    when = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    assert dump_json({"t": when}) == b'{"t":"2024-05-06T07:08:09.123Z"}'
    assert dump_json([date(2024, 1, 2), time(3, 4)]) == b'["2024-01-02","03:04:00"]'


def _app_with_hook() -> Koa:
    app = Koa()

    def json_default(value: Any) -> Any:
        if isinstance(value, (uuid.UUID, enum.Enum)):
            return f"custom:{value}"
        raise TypeError("not mine")

    app.json_default = json_default

    async def reply(ctx: Context, next: Next) -> None:
        ctx.body = {"id": uuid.UUID(int=1), "colour": Colour.RED, "n": Decimal("1.5")}

    app.use(reply)
    return app


async def test_an_apps_json_default_hook_sees_the_types_orjson_knows(client: ClientFor) -> None:
    response = await (await client(_app_with_hook())).get("/")
    assert response.json() == {
        "id": "custom:00000000-0000-0000-0000-000000000001",
        "colour": "custom:Colour.RED",
        "n": "1.5",
    }


@pytest.fixture(params=["orjson", "stdlib"])
def json_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "stdlib":
        monkeypatch.setattr(_body, "orjson", None)
    return str(request.param)


BODIES: list[Any] = [
    {"a": 1, "b": [1.5, 1e-7, 2**70, None, True], "s": "é\U0001f600\u2028", "c": {"d": "x"}},
    [math.nan, {"u": uuid.UUID(int=7)}, Colour.TEN, Point(1.0, "y")],
    {"lone": "\ud800", "k": {1: 2}},
]


@pytest.mark.parametrize("index", range(len(BODIES)))
async def test_a_real_server_sends_the_same_bytes_on_both_paths(
    json_path: str, index: int, serve: Any
) -> None:
    import aiohttp

    app = Koa()

    async def reply(ctx: Context, next: Next) -> None:
        ctx.body = BODIES[index]

    app.use(reply)
    url = await serve(app)
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        assert response.content_type == "application/json"
        assert await response.read() == stdlib_dump_json(BODIES[index])


def test_koa_json_stdlib_turns_orjson_off_at_import() -> None:
    code = (
        "from koa.core import _body, _fastjson\n"
        "assert _fastjson.FORCE_STDLIB and _fastjson.orjson is None and _body.orjson is None\n"
        "assert _body.dump_json({'a': [1e-5, 'é']}) == '{\"a\":[1e-05,\"é\"]}'.encode()\n"
    )
    env = {**os.environ, "KOA_JSON_STDLIB": "1"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
