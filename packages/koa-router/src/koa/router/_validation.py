"""A parameter-validation middleware (``createParameterValidationMiddleware``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, overload

from koa.core import Context, HttpError, Next

__all__ = ["ParameterValidationMiddleware", "create_parameter_validation_middleware"]


class ParameterValidationMiddleware:
    """Checks one route parameter against a regex; see
    :func:`create_parameter_validation_middleware`. Usable both as a
    ``router.param()`` handler and as route middleware."""

    __slots__ = ("create_error", "expose", "message", "name", "pattern", "status")

    def __init__(
        self,
        name: str,
        pattern: re.Pattern[str],
        *,
        status: int,
        message: str | None,
        expose: bool | None,
        create_error: Callable[[str, str], BaseException] | None,
    ) -> None:
        self.name = name
        self.pattern = pattern
        self.status = status
        self.message = message
        self.expose = expose
        self.create_error = create_error

    @overload
    async def __call__(self, value: str, ctx: Context, next: Next, /) -> Any: ...

    @overload
    async def __call__(self, ctx: Context, next: Next, /) -> Any: ...

    async def __call__(self, *args: Any) -> Any:
        if len(args) == 3:
            value, _, next = args
        else:
            ctx, next = args
            value = ctx.__dict__.get("params", {}).get(self.name)
            if not isinstance(value, str):
                raise self._error(f'Missing required parameter "{self.name}" in route params')
        if self.pattern.search(value) is None:
            if self.create_error is not None:
                raise self.create_error(self.name, value)
            raise self._error(f'Invalid value for parameter "{self.name}": "{value}"')
        return await next()

    def _error(self, default: str) -> HttpError:
        message = self.message if self.message is not None else default
        return HttpError(self.status, message, expose=self.expose)


def create_parameter_validation_middleware(
    name: str,
    pattern: re.Pattern[str] | str,
    *,
    status: int = 400,
    message: str | None = None,
    expose: bool | None = None,
    create_error: Callable[[str, str], BaseException] | None = None,
) -> ParameterValidationMiddleware:
    """Validate route parameter *name* against *pattern* (searched, like
    JavaScript's ``RegExp.test``: anchor it with ``^...\\Z``; ``$`` also
    matches before a final newline).

    Use it as ``router.param(name, validator)`` or as route middleware. A
    value that does not match raises ``HttpError(status)`` with *message*
    (default ``Invalid value for parameter "<name>": "<value>"``; exposed to
    the client when ``status < 500`` unless *expose* says otherwise), or what
    ``create_error(name, value)`` returns. As route middleware, a missing
    parameter raises ``Missing required parameter "<name>" in route params``.
    """
    if isinstance(pattern, str):
        pattern = re.compile(pattern)
    if not isinstance(pattern, re.Pattern):
        raise TypeError("pattern must be a compiled regex or a str")
    return ParameterValidationMiddleware(
        name, pattern, status=status, message=message, expose=expose, create_error=create_error
    )
