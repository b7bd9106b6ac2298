"""Form bodies: qs semantics (brackets, dots, arrays, limits), unit-level."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koa.bodyparser._qs import _decode, parse_form
from koa.core.http import safe_decode_uri_component


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("a=1&b=2", {"a": "1", "b": "2"}),
        ("a+b=c+d&e=%20%26", {"a b": "c d", "e": " &"}),
        ("a", {"a": ""}),
        ("a=", {"a": ""}),
        ("=x&&a=1&", {"a": "1"}),
        ("a==b", {"a": "=b"}),
        ("a[b]=c=d", {"a": {"b": "c=d"}}),
        ("foo%5Bbar%5D=baz", {"foo": {"bar": "baz"}}),
        ("foo%5bbar%5d=baz", {"foo": {"bar": "baz"}}),
        ("a[b][c]=1&a[b][d]=2", {"a": {"b": {"c": "1", "d": "2"}}}),
        ("a.b.c=1", {"a": {"b": {"c": "1"}}}),
        ("a.b[c].d=1", {"a": {"b": {"c": {"d": "1"}}}}),
        ("a[b]=1&a.c=2", {"a": {"b": "1", "c": "2"}}),
        ("c=2&c=3", {"c": ["2", "3"]}),
        ("c[]=2&c[]=3", {"c": ["2", "3"]}),
        ("a=1&a=2&a[]=3", {"a": ["1", "2", "3"]}),
        ("a[1]=b&a[0]=c", {"a": ["c", "b"]}),
        ("a[5]=x&a[2]=y", {"a": ["y", "x"]}),
        ("a[0][b]=1&a[0][c]=2&a[1][b]=3", {"a": [{"b": "1", "c": "2"}, {"b": "3"}]}),
        ("a[19]=x", {"a": ["x"]}),
        ("a[20]=x", {"a": {"20": "x"}}),
        ("a[01]=x&a[-1]=y", {"a": {"01": "x", "-1": "y"}}),
        ("a[]=1&a[b]=2", {"a": {"0": "1", "b": "2"}}),
        ("a[b]=c&a=d", {"a": [{"b": "c"}, "d"]}),
        ("a=d&a[b]=c", {"a": ["d", {"b": "c"}]}),
        ("[a]=1&[]=2", {"a": "1", "0": "2"}),
        ("a[b]x[c]=1", {"a": {"b": {"c": "1"}}}),
        ("a[b][c][d][e][f][g][h]=1", {"a": {"b": {"c": {"d": {"e": {"f": {"[g][h]": "1"}}}}}}}),
        ("a.b.c.d.e.f.g=1", {"a": {"b": {"c": {"d": {"e": {"f": {"[g]": "1"}}}}}}}),
        ("a=%ZZ&b=%E9&c=%41", {"a": "%ZZ", "b": "%E9", "c": "A"}),
        ("x=%E2%9C%93", {"x": "\u2713"}),
        ("__proto__[x]=1&a[__proto__][y]=2&__proto__=3&b=4", {"b": "4"}),
        ("constructor=1&toString=2", {"constructor": "1", "toString": "2"}),
    ],
)
def test_form_parses_like_qs_with_allow_dots(text: str, expected: dict[str, Any]) -> None:
    assert parse_form(text) == expected


def test_only_the_first_1000_parameters_are_read() -> None:
    parsed = parse_form("&".join(f"f{i}=v" for i in range(5000)))
    assert (len(parsed), "f999" in parsed) == (1000, True)


def test_repeated_keys_stay_a_list_past_the_array_limit() -> None:
    assert parse_form("&".join(["a=1"] * 1000)) == {"a": ["1"] * 1000}
    assert parse_form("&".join(["a[]=1"] * 500)) == {"a": ["1"] * 500}


def test_a_huge_index_is_a_string_key() -> None:
    index = "9" * 5000
    assert parse_form(f"a[{index}]=1") == {"a": {index: "1"}}


def test_the_limits_are_options() -> None:
    assert parse_form("a[b][c]=1", depth=1) == {"a": {"b": {"[c]": "1"}}}
    assert parse_form("a[b]=1", depth=0) == {"a[b]": "1"}
    assert parse_form("a=1&b=2&c=3", parameter_limit=2) == {"a": "1", "b": "2"}
    assert parse_form("a[25]=1", array_limit=30) == {"a": ["1"]}


# -- the fast decoder agrees with decodeURIComponent's rules ---------------------

_escapes = st.builds(lambda b: f"%{b:02X}", st.integers(0, 255)) | st.builds(
    lambda b: f"%{b:02x}", st.integers(0, 255)
)
_pieces = (
    _escapes
    | st.sampled_from(
        ["%", "%z", "%4", "%zz", "+", "%2B", "%E2%82%AC", "%F0%9F%98%80", "é", "\U0001f600"]
    )
    | st.text(max_size=3)
)


@given(st.lists(_pieces, max_size=8).map("".join))
def test_form_strings_decode_as_decode_uri_component_after_plus_to_space(text: str) -> None:
    assert _decode(text) == safe_decode_uri_component(text.replace("+", " "))


_form_pieces = _pieces | st.sampled_from(
    ["&", "=", "]=", "[", "]", "a[b]", ".", "%5B", "%5D", "\ufffd"]
)


@given(
    st.lists(_form_pieces | st.sampled_from(["a", "b", "__proto__", "%25"]), max_size=14).map(
        "".join
    ),
    st.sampled_from([1, 2, 3, 1000]),
)
def test_forms_parse_alike_with_and_without_the_compiled_pair_parser(text: str, limit: int) -> None:
    from koa.bodyparser import _qs

    fast = parse_form(text, parameter_limit=limit)
    saved, _qs.query_to_pairs = _qs.query_to_pairs, None
    try:
        assert parse_form(text, parameter_limit=limit) == fast
    finally:
        _qs.query_to_pairs = saved
