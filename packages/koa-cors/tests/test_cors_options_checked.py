"""Bad options are refused when the middleware is built, not on a request."""

from __future__ import annotations

from typing import Any

import pytest

from koa.cors import cors


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"origin": 42}, "origin must be a string or a function"),
        ({"credentials": "yes"}, "credentials must be a bool or a function"),
        ({"allow_methods": 5}, "allow_methods must be a string or a list of strings"),
        ({"expose_headers": ["X-A", 1]}, "expose_headers must be a string or a list"),
        ({"allow_headers": {"X-A": 1}}, "allow_headers must be a string or a list"),
        ({"max_age": True}, "max_age must be seconds"),
        ({"max_age": [1]}, "max_age must be seconds"),
    ],
    ids=[
        "origin",
        "credentials",
        "methods",
        "expose",
        "allow-headers",
        "max-age-bool",
        "max-age-list",
    ],
)
def test_an_option_of_the_wrong_type_is_a_type_error(options: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        cors(**options)


@pytest.mark.parametrize(
    "options",
    [
        {"origin": "https://a.example\r\nSet-Cookie: x=1"},
        {"allow_methods": "GET\n"},
        {"expose_headers": ["X-A", "X-B\x00"]},
        {"allow_headers": "X-A\r\n"},
        {"max_age": "60\r\n"},
    ],
    ids=["origin", "methods", "expose", "allow-headers", "max-age"],
)
def test_a_header_value_that_cannot_be_sent_is_a_value_error(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="cannot be sent in an HTTP header"):
        cors(**options)


@pytest.mark.parametrize("max_age", [float("inf"), float("nan")], ids=["inf", "nan"])
def test_a_non_finite_max_age_is_a_value_error(max_age: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        cors(max_age=max_age)


def test_positional_options_are_refused() -> None:
    with pytest.raises(TypeError):
        cors("*")  # type: ignore[call-arg]
