"""With orjson installed (``koa-bodyparser[orjson]``), JSON bodies are parsed by
orjson, and the value is exactly the one the stdlib parser gives (or the same
error, with the stdlib's message), whatever the body; ``KOA_JSON_STDLIB=1``
turns orjson off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from koa.bodyparser import _json, bodyparser
from koa.bodyparser._json import SAFE_DEPTH, parse_json
from koa.core import Context, Koa, Next

orjson = pytest.importorskip("orjson")


def stdlib_parse(text: str, strict: bool = True) -> Any:
    saved = _json.orjson
    _json.orjson = None
    try:
        return parse_json(text, strict=strict)
    finally:
        _json.orjson = saved


def outcome(parse: Any, text: str, strict: bool = True) -> tuple[str, str]:
    try:
        value = parse(text, strict=strict)
    except ValueError as err:
        return "error", str(err)
    return "value", _exact(value)


def _exact(value: Any) -> str:
    # repr tells -0.0 from 0.0, 1 from 1.0 and keeps key order.
    return repr(value)


number_literals = st.from_regex(r"\A-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,30})?([eE][+-]?[0-9]{1,4})?\Z")
texts = st.text(max_size=15) | st.sampled_from(["\U0001f600", "é", "\u2028", "\x7f", "__proto__"])
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=25,
)


@st.composite
def json_texts(draw: st.DrawFn) -> str:
    value = draw(st.lists(values, max_size=4) | st.dictionaries(texts, values, max_size=4))
    text = json.dumps(
        value, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 1]))
    )
    for _ in range(draw(st.integers(0, 3))):  # splice in literals and garbage
        at = draw(st.integers(0, len(text)))
        piece = draw(
            number_literals
            | st.sampled_from(
                [
                    "NaN",
                    "Infinity",
                    "-Infinity",
                    "1e400",
                    '"\\ud800"',
                    '"\\udc00\\ud800"',
                    "\x0c",
                    "\ufeff",
                    ",",
                    "]",
                    "}",
                    '"a":1,"a":2',
                    "\\",
                    '"',
                    "\x01",
                    "[" * 3,
                    "null",
                ]
            )
            | st.text(max_size=4)
        )
        text = text[:at] + piece + text[at:]
    return text


@given(json_texts(), st.booleans())
def test_every_body_parses_to_the_stdlib_value_or_error(text: str, strict: bool) -> None:
    assert outcome(parse_json, text, strict) == outcome(stdlib_parse, text, strict)


@given(number_literals)
def test_every_number_parses_as_the_stdlib_parses_it(literal: str) -> None:
    text = f'[{literal}, {{"n": {literal}}}]'
    assert outcome(parse_json, text) == outcome(stdlib_parse, text)
    assert outcome(parse_json, literal, False) == outcome(stdlib_parse, literal, False)


@pytest.mark.parametrize(
    "literal",
    ["18446744073709551616", "-9223372036854775809", "1" * 30, "9" * 5000, "1e400", "-1e400"],
)
def test_numbers_orjson_reads_differently_keep_the_stdlib_value(literal: str) -> None:
    assert outcome(parse_json, f"[{literal}]") == outcome(stdlib_parse, f"[{literal}]")


def test_duplicate_keys_keep_the_last_value() -> None:
    assert parse_json('{"a": 1, "a": 2}') == {"a": 2}


@pytest.mark.parametrize("depth", [SAFE_DEPTH - 1, SAFE_DEPTH, SAFE_DEPTH + 1, 1000, 1024, 1025])
def test_deep_nesting_is_parsed_by_orjson_only_up_to_the_safe_depth(depth: int) -> None:
    text = "[" * depth + "]" * depth
    assert outcome(parse_json, text) == outcome(stdlib_parse, text)


@pytest.mark.parametrize("text", ["[1],[2]", "[1]]" + "," + "[[2]", "1],[2", "[[1]", '{"a":1}}'])
def test_a_body_that_would_close_the_padding_is_still_an_error(text: str) -> None:
    long = text + " " * 2 * SAFE_DEPTH  # long enough to be padded
    assert outcome(parse_json, long) == outcome(stdlib_parse, long)
    assert outcome(parse_json, long)[0] == "error"


def test_invalid_bodies_keep_the_stdlib_error_messages() -> None:
    for text in ["[1,]", '{"a" 1}', "[NaN]", "[1] x", '{"__proto__": 1}']:
        assert outcome(parse_json, text) == outcome(stdlib_parse, text)
    assert outcome(parse_json, "[NaN]") == ("error", "NaN is not valid JSON")


@pytest.fixture(params=["orjson", "stdlib"])
def json_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "stdlib":
        monkeypatch.setattr(_json, "orjson", None)
    return str(request.param)


BODIES = [
    b'{"a": 1, "big": 123456789012345678901234567890, "f": [0.1, -0.0, 1e-7, 2.5E+3]}',
    '\ufeff{"s": "\u00e9\U0001f600", "d": {"x": [true, false, null]}}'.encode(),
    b"["
    + b",".join(b'{"id": %d, "name": "item %d", "p": %d.25}' % (i, i, i) for i in range(2000))
    + b"]",
]


@pytest.mark.parametrize("body", BODIES, ids=["numbers", "bom", "64k"])
async def test_a_real_server_parses_json_bodies_alike_on_both_paths(
    json_path: str, body: bytes, serve: Any
) -> None:
    app = Koa()
    app.use(bodyparser(json_limit="1mb"))

    async def echo(ctx: Context, next: Next) -> None:
        request: Any = ctx.request
        ctx.body = {"body": request.body, "raw": request.raw_body}

    app.use(echo)
    url = await serve(app)
    headers = {"Content-Type": "application/json"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        assert response.status == 200
        text = body.decode("utf-8").removeprefix("\ufeff")
        got = json.loads(await response.read())
        assert got == {"body": json.loads(text), "raw": text}


@pytest.mark.parametrize("body", [b"[1,]", b"[NaN]", b'{"__proto__": {}}', b"[" * 2000])
async def test_a_real_server_answers_bad_json_400_on_both_paths(
    json_path: str, body: bytes, serve: Any
) -> None:
    app = Koa()
    app.use(bodyparser())
    url = await serve(app)
    headers = {"Content-Type": "application/json"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        assert response.status == 400


def test_koa_json_stdlib_turns_orjson_off_at_import() -> None:
    code = (
        "from koa.bodyparser import _json\n"
        "assert _json.FORCE_STDLIB and _json.orjson is None\n"
        "big = 12345678901234567890123\n"
        "assert _json.parse_json(f'[{big}, 1e-7]') == [big, 1e-7]\n"
    )
    env = {**os.environ, "KOA_JSON_STDLIB": "1"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
