"""Options that cannot work fail when the middleware is made, saying what to do."""

from __future__ import annotations

from typing import Any

import pytest

from koa.jwt import JwtMiddleware, jwt

SECRET = "shhhhhh-this-is-a-secret-of-32-bytes-or-more"


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"secret": ""}, ValueError, "secret=...\\) is empty"),
        ({"secret": b""}, ValueError, "secret=...\\) is empty"),
        ({"secret": []}, ValueError, "secret=...\\) is empty"),
        ({"secret": [SECRET, ""]}, ValueError, "secret=...\\) is empty"),
        ({"secret": 12345}, TypeError, "int is not a key"),
        ({"secret": [SECRET, True]}, TypeError, "bool is not a key"),
        ({"secret": {"kty": "oct"}}, TypeError, "dict is not a key"),
        ({"key": ""}, ValueError, "key=...\\) must be a non-empty str"),
        ({"key": 1}, ValueError, "key=...\\) must be a non-empty str"),
        ({"token_key": ""}, ValueError, "token_key=...\\) must be"),
        ({"cookie": ""}, ValueError, "cookie=...\\) must be a cookie name"),
        ({"get_token": "header"}, TypeError, "get_token=...\\) must be a function"),
        ({"is_revoked": True}, TypeError, "is_revoked=...\\) must be a function"),
        ({"audience": b"api"}, TypeError, "audience=...\\) must be a str"),
        ({"audience": ["api", 1]}, TypeError, "audience=...\\) must be a str"),
        ({"issuer": {"iss": 1}}, TypeError, "issuer=...\\) must be a str"),
        ({"algorithms": ()}, ValueError, "is empty"),
        ({"algorithms": ("HS257",)}, ValueError, "unknown algorithm 'HS257'"),
        ({"algorithms": (None,)}, ValueError, "is refused"),
        ({"leeway": -1}, ValueError, "leeway=...\\) must be a number"),
        ({"leeway": float("nan")}, ValueError, "leeway=...\\) must be a number"),
        ({"leeway": "5"}, ValueError, "leeway=...\\) must be a number"),
        ({"leeway": True}, ValueError, "leeway=...\\) must be a number"),
        ({"passthrough": "false"}, TypeError, "passthrough=...\\) must be True or False"),
        ({"debug": 1}, TypeError, "debug=...\\) must be True or False"),
    ],
    ids=lambda value: repr(value)[:40],
)
def test_bad_options_are_refused(options: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        jwt(**{"secret": SECRET, **options})


def test_a_single_algorithm_may_be_a_string() -> None:
    assert jwt(secret=SECRET, algorithms="HS384").algorithms == ("HS384",)


def test_jwt_returns_the_middleware_object() -> None:
    mw = jwt(secret=SECRET)
    assert isinstance(mw, JwtMiddleware)
    assert mw.algorithms == ("HS256",)
    assert (mw.key, mw.passthrough, mw.debug) == ("user", False, False)


def test_secret_is_required() -> None:
    with pytest.raises(TypeError):
        jwt()  # type: ignore[call-arg]
