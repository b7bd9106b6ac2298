"""Options are checked when the middleware is built."""

from __future__ import annotations

from typing import Any

import pytest

from koa.bodyparser import UnsupportedBodyTypeError, bodyparser
from koa.bodyparser._options import parse_limit


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0),
        (100, 100),
        ("100", 100),
        ("1kb", 1024),
        ("56KB", 57344),
        ("1mb", 1 << 20),
        ("1.5 mb", 3 << 19),
        ("2gb", 2 << 30),
        (" 10b ", 10),
    ],
    ids=repr,
)
def test_limits_read_ints_and_size_strings(value: int | str, expected: int) -> None:
    assert parse_limit("json_limit", value) == expected


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"json_limit": "lots"}, ValueError, "json_limit: cannot read 'lots'"),
        ({"form_limit": -1}, ValueError, "form_limit must not be negative"),
        ({"text_limit": 1.5}, TypeError, "text_limit must be an int or a string"),
        ({"xml_limit": True}, TypeError, "xml_limit must be an int"),
        ({"encoding": "klingon"}, ValueError, "unknown encoding 'klingon'"),
        ({"parsed_methods": "POST"}, TypeError, "parsed_methods must be a list"),
        ({"parsed_methods": ["POST", 1]}, TypeError, "parsed_methods must hold method names"),
        ({"detect_json": "yes"}, TypeError, "detect_json must be a function"),
        ({"on_error": 1}, TypeError, "on_error must be a function"),
        ({"max_files": -1}, ValueError, "max_files must be a non-negative int"),
        ({"file_limit": "1 parsec"}, ValueError, "file_limit: cannot read"),
        ({"enable_types": ["json", "yaml"]}, UnsupportedBodyTypeError, "'yaml' in enable_types"),
        ({"extend_types": {"yaml": ["a/b"]}}, UnsupportedBodyTypeError, "'yaml' in extend_types"),
    ],
    ids=lambda value: str(value) if isinstance(value, dict) else "",
)
def test_bad_options_raise_a_clear_error(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(").replace("[", r"\[")):
        bodyparser(**options)


def test_unsupported_body_type_error_is_a_value_error() -> None:
    assert issubclass(UnsupportedBodyTypeError, ValueError)


def test_parsed_methods_are_case_insensitive() -> None:
    bodyparser(parsed_methods=["post", "delete"])
