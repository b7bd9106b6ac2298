"""The public surface of ``koa.router``."""

from __future__ import annotations

import koa.router


def test_all_is_exactly_the_documented_public_names() -> None:
    assert sorted(koa.router.__all__) == [
        "Layer",
        "LayerOptions",
        "MatchResult",
        "ParamHandler",
        "ParameterValidationMiddleware",
        "PathError",
        "Router",
        "RouterContext",
        "RouterEvents",
        "RouterHandler",
        "RouterMiddleware",
        "RouterOptions",
        "RouterRequest",
        "__version__",
        "create_parameter_validation_middleware",
    ]
    for name in koa.router.__all__:
        assert getattr(koa.router, name) is not None


def test_koa_stays_a_namespace_package() -> None:
    assert not hasattr(koa, "__file__") or koa.__file__ is None
