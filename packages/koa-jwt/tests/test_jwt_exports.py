"""The public surface of ``koa.jwt``."""

from __future__ import annotations

import koa.jwt


def test_all_is_exactly_the_documented_public_names() -> None:
    assert sorted(koa.jwt.__all__) == [
        "AuthenticationError",
        "GetToken",
        "IsRevoked",
        "JwtError",
        "JwtMiddleware",
        "PathRule",
        "SecretFunction",
        "__version__",
        "jwt",
        "unless",
    ]
    for name in koa.jwt.__all__:
        assert getattr(koa.jwt, name) is not None
