"""JSON bodies as co-body reads them (strict mode, __proto__), unit-level."""

from __future__ import annotations

import pytest

from koa.bodyparser._json import parse_json


@pytest.mark.parametrize(
    ("text", "strict", "expected"),
    [
        ("", True, {}),
        ("", False, ""),
        (' \t\n\r{"a":1}', True, {"a": 1}),
        ("[1,2]", True, [1, 2]),
        ('"x"', False, "x"),
        ("null", False, None),
        ("1e999", False, float("inf")),
        ('{"a":1,"a":2}', True, {"a": 2}),
        ('{"constructor":{"prototype":{}}}', True, {"constructor": {"prototype": {}}}),
        ('{"a":"__proto__"}', True, {"a": "__proto__"}),
    ],
)
def test_accepted_json(text: str, strict: bool, expected: object) -> None:
    assert parse_json(text, strict=strict) == expected


@pytest.mark.parametrize(
    ("text", "strict"),
    [
        ('"x"', True),
        ("1", True),
        ("  ", True),
        ("  ", False),
        ("\u00a0{}", True),
        ("{bad", True),
        ("NaN", False),
        ("-Infinity", False),
        ('{"__proto__":1}', True),
        ('{"\\u005f\\u005fproto\\u005f\\u005f":1}', True),
        ('{"a":[{"__proto__":{}}]}', True),
        ("[" * 100_000, True),
        ("1" * 5000, False),
    ],
)
def test_rejected_json_raises_value_error(text: str, strict: bool) -> None:
    with pytest.raises(ValueError):
        parse_json(text, strict=strict)


def test_every_spelling_of_a_proto_key_is_refused() -> None:
    # Each of the nine characters written as itself or as a \u escape.
    import itertools

    name = "__proto__"
    for escaped in itertools.product((False, True), repeat=len(name)):
        key = "".join(
            f"\\u{ord(char):04x}" if escape else char
            for char, escape in zip(name, escaped, strict=True)
        )
        with pytest.raises(ValueError, match="forbidden prototype property"):
            parse_json('{"a": [{"' + key + '": {}}]}')
