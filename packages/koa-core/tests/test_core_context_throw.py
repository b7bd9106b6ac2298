"""``ctx.throw()`` and ``ctx.assert_()``: the errors they raise.

Ported from Koa's ``__tests__/context/throw.test.js`` and ``assert.test.js``
(K105, K124-K134, K138, K140). Koa's props object is a mapping argument or
keyword arguments here.
"""

from __future__ import annotations

import pytest

from koa.core import HttpError, create_error, is_http_error
from koa.core.testing import create_context


def caught(*args: object, **props: object) -> Exception:
    ctx = create_context()
    with pytest.raises(Exception) as info:
        ctx.throw(*args, **props)
    assert isinstance(info.value, Exception)
    return info.value


def test_assert_raises_with_status_and_message_when_falsy() -> None:
    """Assert raises with status and message when falsy (K105)."""
    ctx = create_context()
    with pytest.raises(HttpError) as info:
        ctx.assert_(False, 404, "custom message")
    err = info.value
    assert (err.status, err.message, err.expose) == (404, "custom message", True)


def test_assert_passes_when_truthy() -> None:
    """Assert passes when truthy (K105)."""
    create_context().assert_("yes", 401, "login")


def test_assert_without_message_uses_the_reason_phrase() -> None:
    """Assert without message uses the reason phrase (K138)."""
    ctx = create_context()
    with pytest.raises(HttpError) as info:
        ctx.assert_(None, 401)
    assert (info.value.status, info.value.message) == (401, "Unauthorized")


def test_assert_copies_props() -> None:
    """K105 (props)"""
    ctx = create_context()
    with pytest.raises(HttpError) as info:
        ctx.assert_(0, 403, "no", user="tobi")
    assert getattr(info.value, "user", None) == "tobi"


def test_throw_message_only_is_a_hidden_500() -> None:
    """Throw message only is a hidden 500 (K124)."""
    err = caught("boom")
    assert isinstance(err, HttpError)
    assert (err.status, err.expose, err.message) == (500, False, "boom")


def test_throw_an_error_makes_it_a_hidden_500() -> None:
    """Throw an error makes it a hidden 500 (K125)."""
    original = ValueError("test")
    err = caught(original)
    assert err is original
    assert str(err) == "test"
    assert getattr(err, "status", None) == 500
    assert getattr(err, "expose", None) is False


def test_throw_status_and_error_exposes_it_with_that_status() -> None:
    """Throw status and error exposes it with that status (K126)."""
    err = caught(422, ValueError("test"))
    assert str(err) == "test"
    assert getattr(err, "status", None) == 422
    assert getattr(err, "status_code", None) == 422
    assert getattr(err, "expose", None) is True


def test_throw_status_and_message() -> None:
    """Throw status and message (K127)."""
    err = caught(400, "name required")
    assert isinstance(err, HttpError)
    assert (err.message, err.status, err.expose) == ("name required", 400, True)


def test_throw_status_only_uses_the_reason_phrase() -> None:
    """Throw status only uses the reason phrase (K128)."""
    err = caught(400)
    assert isinstance(err, HttpError)
    assert (err.message, err.status, err.expose) == ("Bad Request", 400, True)


def test_throw_error_with_invalid_status_is_a_hidden_500() -> None:
    """Throw error with invalid status is a hidden 500 (K129)."""
    original = RuntimeError("some error")
    original.status = -1  # type: ignore[attr-defined]
    err = caught(original)
    assert str(err) == "some error"
    assert getattr(err, "status", None) == 500
    assert getattr(err, "expose", None) is False


def test_throw_status_message_and_props() -> None:
    """Throw status message and props (K130)."""
    err = caught(400, "msg", {"prop": True})
    assert isinstance(err, HttpError)
    assert (err.message, err.status, err.expose) == ("msg", 400, True)
    assert getattr(err, "prop", None) is True


def test_throw_props_as_keywords() -> None:
    """K130 (Python spelling)"""
    err = caught(400, "msg", prop=True)
    assert getattr(err, "prop", None) is True


def test_throw_props_cannot_change_the_status() -> None:
    """Throw props cannot change the status (K131)."""
    err = caught(400, "msg", {"prop": True, "status": -1})
    assert isinstance(err, HttpError)
    assert (err.message, err.status, err.expose) == ("msg", 400, True)
    assert getattr(err, "prop", None) is True
    assert caught(400, status=-1, status_code=7).status_code == 400  # type: ignore[attr-defined]


def test_throw_message_and_props_is_a_hidden_500() -> None:
    """Throw message and props is a hidden 500 (K132)."""
    err = caught("msg", {"prop": True})
    assert isinstance(err, HttpError)
    assert (err.message, err.status, err.expose) == ("msg", 500, False)
    assert getattr(err, "prop", None) is True


def test_throw_status_and_props_uses_the_reason_phrase() -> None:
    """Throw status and props uses the reason phrase (K133)."""
    err = caught(400, {"prop": True})
    assert isinstance(err, HttpError)
    assert (err.message, err.status, err.expose) == ("Bad Request", 400, True)
    assert getattr(err, "prop", None) is True


def test_throw_error_and_props() -> None:
    """Throw error and props (K134)."""
    err = caught(ValueError("test"), {"prop": True})
    assert str(err) == "test"
    assert getattr(err, "status", None) == 500
    assert getattr(err, "expose", None) is False
    assert getattr(err, "prop", None) is True


def test_throw_status_in_second_position_is_rejected() -> None:
    """Throw status in second position is rejected (K140)."""
    with pytest.raises(TypeError, match="argument #2 unsupported type int"):
        create_context().throw("boom", 400)


def test_throw_an_unknown_status_is_a_500() -> None:
    """Throw an unknown status is a 500 (K141)."""
    err = caught(600, "x")
    assert getattr(err, "status", None) == 500
    assert getattr(err, "expose", None) is False


def test_throw_keeps_an_http_error_of_the_same_status() -> None:
    """K126 (an HttpError of that status is passed through untouched)"""
    original = HttpError(409, "conflict", expose=False)
    err = caught(409, original)
    assert err is original
    assert original.expose is False


def test_http_error_shape_is_recognised() -> None:
    """K091 [3.3] (duck-typed HttpError)"""

    class Shaped(Exception):
        expose = True
        status = 418
        status_code = 418

    assert is_http_error(create_error(400))
    assert is_http_error(Shaped())
    assert not is_http_error(ValueError())
    assert not is_http_error("error")
