"""HTTP errors, with the semantics of Node's ``http-errors`` that Koa uses.

The hierarchy is one class deep::

    Exception
     └── HttpError            status, status_code, expose, headers, message
                              (raised by ctx.throw() and ctx.assert_())

Any other exception can carry an HTTP status too: Koa honours an integer
``status`` (or ``status_code``) attribute that names a known status, and an
``expose`` attribute that lets its message reach the client. Everything else
becomes a 500 whose body is the generic reason phrase.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .statuses import STATUS_CODES

__all__ = ["HttpError", "create_error", "is_http_error"]


def _valid_error_status(status: object) -> bool:
    return (
        isinstance(status, int)
        and not isinstance(status, bool)
        and (status in STATUS_CODES or 400 <= status < 600)
    )


class HttpError(Exception):
    """An error that carries the HTTP response it should produce.

    ``status`` defaults to 500; a status that is neither in the status table nor
    a 4xx/5xx code becomes 500. ``message`` defaults to the status' reason phrase.
    ``expose`` (whether the message may be shown to the client) defaults to
    ``status < 500``. ``headers`` are added to the error response. Extra keyword
    arguments become attributes of the error (``HttpError(401, user=u).user``).
    """

    status: int
    status_code: int
    expose: bool
    headers: dict[str, str] | None
    message: str

    def __init__(
        self,
        status: int = 500,
        message: str | None = None,
        *,
        expose: bool | None = None,
        headers: Mapping[str, str] | None = None,
        **props: Any,
    ) -> None:
        if not _valid_error_status(status):
            status = 500
        if message is None:
            message = STATUS_CODES.get(status) or str(status)
        super().__init__(message)
        self.message = message
        self.status = self.status_code = status
        self.expose = status < 500 if expose is None else expose
        self.headers = dict(headers) if headers is not None else None
        for key, value in props.items():
            if key not in ("status", "status_code"):
                setattr(self, key, value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.status}, {self.message!r})"


def create_error(*args: Any, **props: Any) -> Exception:
    """Build an error from ``ctx.throw()``-style arguments (http-errors rules).

    Arguments are read left to right: an ``int`` status (first position only), a
    ``str`` message, an exception to wrap, or a mapping of properties; keyword
    arguments are properties too. A wrapped exception keeps its own class and
    gains ``status``, ``status_code`` and ``expose`` unless it already is an
    :class:`HttpError` of that status. ``status``/``status_code`` properties are
    ignored. Any other argument type raises :class:`TypeError`.
    """
    err: BaseException | None = None
    message: str | None = None
    status: object = 500
    status_given = False
    for index, arg in enumerate(args):
        if isinstance(arg, BaseException):
            err = arg
            if not status_given:
                status = getattr(arg, "status", None) or getattr(arg, "status_code", None)
        elif isinstance(arg, int) and not isinstance(arg, bool) and index == 0:
            status = arg
            status_given = True
        elif isinstance(arg, str):
            message = arg
        elif isinstance(arg, Mapping):
            props = {**arg, **props}
        else:
            raise TypeError(f"argument #{index + 1} unsupported type {type(arg).__name__}")

    if not _valid_error_status(status):
        status = 500
    assert isinstance(status, int)

    if err is None:
        error: Exception = HttpError(status, message)
    else:
        if not isinstance(err, Exception):
            raise TypeError("ctx.throw() can wrap an Exception, not a BaseException")
        error = err
        if not isinstance(err, HttpError) or err.status != status:
            error.expose = status < 500  # type: ignore[attr-defined]
            error.status = error.status_code = status  # type: ignore[attr-defined]
    for key, value in props.items():
        if key not in ("status", "status_code"):
            setattr(error, key, value)
    return error


def is_http_error(value: object) -> bool:
    """True for an :class:`HttpError`, or an exception shaped like one.

    Shaped like one: a boolean ``expose``, an integer ``status_code`` and an equal
    ``status`` (Koa 3.3's duck-typed ``instanceof HttpError``).
    """
    if isinstance(value, HttpError):
        return True
    if not isinstance(value, Exception):
        return False
    status_code = getattr(value, "status_code", None)
    return (
        isinstance(getattr(value, "expose", None), bool)
        and isinstance(status_code, int)
        and getattr(value, "status", None) == status_code
    )
