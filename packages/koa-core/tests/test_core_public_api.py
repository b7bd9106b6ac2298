"""The public surface of ``koa.core``: exactly the documented names, each one
importable and documented (API drift fails here first)."""

from __future__ import annotations

import inspect

import koa.core
import koa.core.testing

PUBLIC = {
    "STATUS_CODES",
    "UNSET",
    "Context",
    "CookieError",
    "CookieOptions",
    "Cookies",
    "HttpError",
    "Keygrip",
    "Koa",
    "Middleware",
    "Next",
    "Request",
    "Response",
    "ServerHandle",
    "__version__",
    "close_stream",
    "compose",
    "create_error",
    "current_context",
    "ensure_async",
    "is_compressible",
    "is_http_error",
    "is_stream",
    "iterate_stream",
    "make_server",
    "returns_awaitable",
}

TESTING = {
    "Client",
    "ClientFor",
    "Reply",
    "Serve",
    "client_for",
    "create_context",
    "serving",
}


def test_all_is_exactly_the_documented_names() -> None:
    assert set(koa.core.__all__) == PUBLIC
    assert len(koa.core.__all__) == len(PUBLIC)


def test_every_public_name_is_importable() -> None:
    for name in koa.core.__all__:
        assert hasattr(koa.core, name), name


def test_every_public_class_and_function_has_a_docstring() -> None:
    for name in koa.core.__all__:
        value = getattr(koa.core, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), name


def test_testing_helpers_are_exactly_the_documented_names() -> None:
    assert set(koa.core.testing.__all__) == TESTING
    for name in koa.core.testing.__all__:
        assert hasattr(koa.core.testing, name), name


def test_version_is_a_string() -> None:
    assert isinstance(koa.core.__version__, str)
    assert koa.core.__version__.count(".") == 2
