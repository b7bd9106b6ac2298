"""Typing-only classes: what the body parser adds to ``ctx.request``.

Annotate a handler's context as :class:`BodyParserContext` to read
``ctx.request.body`` under ``mypy --strict`` without casts. The app never
creates these classes; they only describe attributes that the middleware
guarantees are present once it has run.
"""

from __future__ import annotations

from typing import Any

from koa.core import Context, Request

from ._multipart import Files

__all__ = ["BodyParserContext", "BodyRequest"]


class BodyRequest(Request):
    """``ctx.request`` after :func:`~koa.bodyparser.bodyparser` has run."""

    #: The parsed body: a dict or list (JSON), a dict (forms, multipart
    #: fields), a str (text, XML), ``{}`` for a body of a type not enabled, and
    #: ``None`` when the body was not read (method not parsed, parser disabled).
    body: Any
    #: The body as text (JSON, form, text, XML); ``None`` when not read.
    raw_body: str | None
    #: Uploaded files of a multipart body by field name (a list when a name
    #: repeats); empty otherwise.
    files: Files


class BodyParserContext(Context):
    """A :class:`~koa.core.Context` whose ``request`` is a :class:`BodyRequest`."""

    request: BodyRequest
