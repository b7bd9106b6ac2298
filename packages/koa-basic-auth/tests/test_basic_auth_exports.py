"""The public surface of ``koa.basic_auth``."""

from __future__ import annotations

import koa.basic_auth


def test_all_is_exactly_the_documented_public_names() -> None:
    assert sorted(koa.basic_auth.__all__) == [
        "CheckFunction",
        "Credentials",
        "__version__",
        "basic_auth",
        "parse_authorization",
    ]
    for name in koa.basic_auth.__all__:
        assert getattr(koa.basic_auth, name) is not None
