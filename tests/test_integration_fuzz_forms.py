"""Property tests of koa-bodyparser's form (qs semantics) and JSON parsers.

Any input parses without an exception (JSON: or a ValueError, the 400), and
the result respects the depth, parameter-count and array-index limits;
``__proto__`` is dropped (forms) or refused (JSON), while ``constructor``,
``prototype`` and the like are plain keys of plain dicts, never attributes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote

from hypothesis import given, settings
from hypothesis import strategies as st

from koa.bodyparser._json import parse_json
from koa.bodyparser._qs import parse_form

DEPTH, PARAMETERS, ARRAY_LIMIT = 5, 1000, 20

key_pieces = st.sampled_from(
    ["a", "b", "0", "1", "19", "20", "21", "99999", "[", "]", "[]", ".", "%5B", "%5D", "%5b",
     "__proto__", "constructor", "prototype", "hasOwnProperty", "toString", "__class__",
     "__dict__", "%", "%zz", "%C3%A9", "%FF", "+", " "]
)  # fmt: skip
keys = st.lists(key_pieces, max_size=10).map("".join)
pairs = st.lists(
    st.tuples(keys, st.text(max_size=5)).map(lambda kv: f"{kv[0]}={quote(kv[1])}"), max_size=30
).map("&".join)
forms = st.one_of(pairs, st.text(max_size=60), keys)


def nesting(value: Any) -> int:
    """How many containers deep *value* is (a str leaf is 0)."""
    if isinstance(value, dict):
        return 1 + max((nesting(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((nesting(v) for v in value), default=0)
    return 0


def leaves(value: Any) -> int:
    if isinstance(value, dict):
        return sum(leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(leaves(v) for v in value)
    return 1


def check_plain(value: Any) -> None:
    """Only plain dicts (str keys, no ``__proto__``), lists and str."""
    if isinstance(value, dict):
        assert type(value) is dict
        for key, item in value.items():
            assert isinstance(key, str) and key != "__proto__", key
            check_plain(item)
    elif isinstance(value, list):
        assert type(value) is list
        for item in value:
            check_plain(item)
    else:
        assert isinstance(value, str), value


@given(text=forms)
def test_any_form_parses_within_the_limits(text: str) -> None:
    result = parse_form(text)
    check_plain(result)
    # one level per key segment: the name, DEPTH brackets, then the rest as one key
    assert nesting(result) <= DEPTH + 2
    assert leaves(result) <= PARAMETERS


@given(count=st.integers(PARAMETERS - 5, PARAMETERS + 50))
@settings(max_examples=10)
def test_only_the_first_thousand_parameters_are_read(count: int) -> None:
    result = parse_form("&".join(f"k{i}=v" for i in range(count)))
    assert len(result) == min(count, PARAMETERS)


@given(indices=st.lists(st.integers(0, 200), min_size=1, max_size=10))
def test_array_indices_above_the_limit_give_a_dict(indices: list[int]) -> None:
    result = parse_form("&".join(f"a[{i}]=v{i}" for i in indices))
    if all(i < ARRAY_LIMIT for i in indices):
        # Holes are compacted: a list never has more items than were sent.
        assert isinstance(result["a"], list) and len(result["a"]) <= len(indices)
    elif all(i >= ARRAY_LIMIT for i in indices):
        assert isinstance(result["a"], dict)
        assert set(result["a"]) == {str(i) for i in indices}


@given(name=st.sampled_from(["constructor", "prototype", "hasOwnProperty", "__class__"]))
def test_prototype_like_names_are_plain_keys(name: str) -> None:
    result = parse_form(f"{name}=1&a[{name}]=2&b.{name}=3&__proto__[x]=4&a[__proto__][y]=5")
    assert result == {name: "1", "a": {name: "2"}, "b": {name: "3"}}
    assert type(result) is dict and not hasattr(result, "x")


flat_keys = st.text(st.characters(codec="utf-8", exclude_characters="[].&=%+"), min_size=1).filter(
    lambda k: k != "__proto__"
)


@given(items=st.lists(st.tuples(flat_keys, st.text(max_size=5)), max_size=20))
def test_flat_forms_agree_with_the_standard_library(items: list[tuple[str, str]]) -> None:
    text = "&".join(f"{quote(k)}={quote(v)}" for k, v in items)
    expected: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        if key in expected:
            current = expected[key]
            expected[key] = [*current, value] if isinstance(current, list) else [current, value]
        else:
            expected[key] = value
    assert parse_form(text) == expected


json_pieces = st.sampled_from(
    ['{', '}', '[', ']', '"', ':', ',', '0', '1e999', '-', '.', 'true', 'null', 'NaN',
     'Infinity', '"__proto__"', '"\\u005f_proto__"', '"constructor"', '\\u0000', '\\ud800',
     ' ', '\n', '\ufeff', '9' * 5000]
)  # fmt: skip
json_texts = st.one_of(st.lists(json_pieces, max_size=20).map("".join), st.text(max_size=40))


def no_proto(value: Any) -> bool:
    if isinstance(value, dict):
        return "__proto__" not in value and all(no_proto(v) for v in value.values())
    if isinstance(value, list):
        return all(no_proto(v) for v in value)
    return True


@given(text=json_texts, strict=st.booleans())
def test_any_json_parses_or_is_a_value_error(text: str, strict: bool) -> None:
    try:
        value = parse_json(text, strict=strict)
    except ValueError:
        return
    assert no_proto(value)
    if strict:
        assert isinstance(value, (dict, list))


def test_deeply_nested_json_is_a_value_error() -> None:
    for text in ("[" * 100_000, '{"a":' * 100_000):
        try:
            parse_json(text)
        except ValueError:
            continue
        raise AssertionError("accepted")
