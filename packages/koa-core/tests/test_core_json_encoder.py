"""JSON bodies are encoded by CPython's C encoder, called directly
(``json.encoder.c_make_encoder``, undocumented, see ``koa.core._body``): its
output must be exactly what the documented ``json`` API writes, and the pure
Python path (where the C encoder is missing) must write the same bytes."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koa.core import _body
from koa.core._body import dump_json

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


def documented(value: Any) -> bytes:
    """What the documented json API writes for a JSON-able *value*."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@pytest.fixture
def python_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Encode as on a Python without the C encoder."""
    monkeypatch.setattr(_body, "_c_encode", None)


def test_cpython_s_c_encoder_is_the_one_in_use() -> None:
    assert json.encoder.c_make_encoder is not None  # type: ignore[attr-defined]
    assert _body._c_encode is not None


@given(JSON_VALUES)  # st.text() has no lone surrogates: see CASES for those
def test_the_c_encoder_writes_what_json_dumps_writes(value: Any) -> None:
    assert dump_json(value) == documented(value)


@given(JSON_VALUES)
def test_the_c_and_python_paths_write_the_same_bytes(value: Any) -> None:
    c_path = dump_json(value)
    saved = _body._c_encode
    _body._c_encode = None
    try:
        assert dump_json(value) == c_path
    finally:
        _body._c_encode = saved


class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents

    def to_json(self) -> str:
        return f"{self.cents / 100:.2f}"


CASES: list[tuple[Any, bytes]] = [
    ({"a": [1, 2.5, True, None, "é"]}, '{"a":[1,2.5,true,null,"é"]}'.encode()),
    ({"price": Money(1250)}, b'{"price":"12.50"}'),  # to_json() through the default hook
    ({"x": math.nan, "y": [math.inf, -math.inf]}, b'{"x":null,"y":[null,null]}'),
    ({"s": "\ud800"}, b'{"s":"\\ud800"}'),  # a lone surrogate is \u-escaped
    ((1, 2), b"[1,2]"),
    ({1: "int key"}, b'{"1":"int key"}'),
]


@pytest.mark.parametrize(("value", "expected"), CASES)
def test_the_c_encoder_writes_json_stringify_s_bytes(value: Any, expected: bytes) -> None:
    assert dump_json(value) == expected


@pytest.mark.parametrize(("value", "expected"), CASES)
def test_the_python_path_writes_the_same_bytes(
    python_path: None, value: Any, expected: bytes
) -> None:
    assert dump_json(value) == expected


def test_an_object_json_cannot_write_is_a_type_error_naming_the_remedy() -> None:
    with pytest.raises(TypeError, match="to_json"):
        dump_json({"when": object()})
