"""The ``bodyparser()`` middleware: @koa/bodyparser's algorithm, per request.

1. Skip (only call ``next()``) when the method is not in ``parsed_methods``,
   when ``ctx.request.body`` is already set (a second body parser is a no-op)
   or when ``ctx.disable_body_parser`` is truthy.
2. With ``enable_raw_checking``, a body already stored on the aiohttp request
   (``ctx.req["body"]``) is copied to ``ctx.request.body``.
3. If the client has already gone, answer 499 ``Request already closed``
   without calling ``next()``.
4. Choose the kind: ``detect_json(ctx)`` or a JSON type -> json; then form,
   text, xml, multipart, each if enabled. No kind -> ``body = {}``.
5. Read and parse (see :mod:`._read`); a failure raises, or goes to
   ``on_error(err, ctx)`` when given, and the body stays ``None``.
6. Set ``ctx.request.body`` and ``ctx.request.raw_body`` (unless already set),
   then ``next()``; multipart uploads are deleted once ``next()`` is done.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from koa.core import Context, HttpError, Middleware, Next
from koa.core.http import client_gone

from ._json import parse_json
from ._multipart import Files, MultipartLimits, parse_multipart, remove_files
from ._options import (
    check_encoding,
    check_methods,
    check_types,
    parse_limit,
)
from ._qs import parse_form
from ._read import CLIENT_CLOSED, read_body

__all__ = ["DetectJson", "OnError", "bodyparser"]

_UTF8_BOM = b"\xef\xbb\xbf"

#: ``detect_json(ctx) -> bool``: parse this request as JSON whatever its type.
DetectJson = Callable[[Context], bool]
#: ``on_error(err, ctx)``: handle a parse error instead of raising it (it may
#: raise an error of its own, e.g. ``ctx.throw(422, ...)``); may be async.
OnError = Callable[[Exception, Context], Awaitable[None] | None]


def _matcher(types: tuple[str, ...]) -> tuple[frozenset[str], list[str]]:
    """Exact media types (a set lookup) and the rest (type-is patterns such as
    ``"+json"``, ``"text/*"``, ``"json"``)."""
    exact = {t.lower() for t in types if "/" in t and "*" not in t and not t.startswith("+")}
    return frozenset(exact), [t for t in types if t.lower() not in exact]


def _bare_match(mime: str, pattern: str) -> bool:
    """type-is's match of *pattern* (``"text/*"``, ``"+json"``,
    ``"application/*+json"``) against *mime*, for a request without a body,
    which ``ctx.request.is_()`` does not match. A pattern without ``/``
    (``"json"``) needs the MIME table: it matches only requests with a body."""
    pattern = pattern.lower()
    if pattern.startswith("+"):
        pattern = "*/*" + pattern
    main, slash, sub = pattern.partition("/")
    mime_main, _, mime_sub = mime.partition("/")
    if not slash or (main != "*" and main != mime_main):
        return False
    if sub.startswith("*+"):
        return mime_sub.endswith(sub[1:])
    return sub == "*" or sub == mime_sub


def _ensure_defaults(request: Any) -> None:
    # Koa leaves them undefined; here they always exist, None meaning "not read".
    state = request.__dict__
    if "body" not in state:
        state["body"] = None
    if "raw_body" not in state:
        state["raw_body"] = None
    if "files" not in state:
        state["files"] = {}


def bodyparser(
    *,
    enable_types: Iterable[str] = ("json", "form"),
    extend_types: Mapping[str, Iterable[str]] | None = None,
    json_limit: int | str = "1mb",
    form_limit: int | str = "56kb",
    text_limit: int | str = "1mb",
    xml_limit: int | str = "1mb",
    json_strict: bool = True,
    encoding: str = "utf-8",
    detect_json: DetectJson | None = None,
    on_error: OnError | None = None,
    parsed_methods: Iterable[str] = ("POST", "PUT", "PATCH"),
    enable_raw_checking: bool = False,
    multipart_limit: int | str = "200mb",
    file_limit: int | str = "100mb",
    fields_limit: int | str = "2mb",
    max_files: int = 100,
    max_fields: int = 1000,
    upload_dir: str | None = None,
) -> Middleware:
    """Parse request bodies into ``ctx.request.body`` (and ``raw_body``).

    ``enable_types``: the kinds to parse, among ``json``, ``form``
    (urlencoded), ``text``, ``xml`` and ``multipart``. ``extend_types``: extra
    media types per kind, e.g. ``{"json": ["application/x-javascript"]}``
    (type-is patterns such as ``"+json"`` work too). Unknown kinds raise
    :class:`UnsupportedBodyTypeError`.

    ``json_limit``, ``form_limit``, ``text_limit``, ``xml_limit``: the largest
    body of each kind, after decompression: an int of bytes or a string such as
    ``"1mb"``; larger bodies get 413. ``json_strict``: accept only objects and
    arrays (an empty body is ``{}``). ``encoding``: how bodies are decoded (the
    request's charset is ignored, as in @koa/bodyparser).

    ``detect_json(ctx)``: return true to parse a request as JSON whatever its
    type. ``on_error(err, ctx)``: called instead of raising on a read or parse
    error. ``parsed_methods``: only these methods are read. With
    ``enable_raw_checking``, a body already stored as ``ctx.req["body"]`` is
    used as is.

    Multipart (when ``"multipart"`` is enabled): ``multipart_limit`` bytes for
    the whole body, ``file_limit`` per file, ``fields_limit`` for all plain
    fields, at most ``max_files`` files and ``max_fields`` fields; files are
    written to ``upload_dir`` (default: the system's temporary directory) and
    deleted when the response is done.
    """
    types = check_types(enable_types, extend_types)
    limits = {
        "json": parse_limit("json_limit", json_limit),
        "form": parse_limit("form_limit", form_limit),
        "text": parse_limit("text_limit", text_limit),
        "xml": parse_limit("xml_limit", xml_limit),
    }
    multipart = MultipartLimits(
        total=parse_limit("multipart_limit", multipart_limit),
        file=parse_limit("file_limit", file_limit),
        fields=parse_limit("fields_limit", fields_limit),
        max_files=_count("max_files", max_files),
        max_fields=_count("max_fields", max_fields),
        upload_dir=upload_dir,
    )
    encoding = check_encoding(encoding)
    methods = check_methods(parsed_methods)
    for name, fn in (("detect_json", detect_json), ("on_error", on_error)):
        if fn is not None and not callable(fn):
            raise TypeError(f"{name} must be a function, got {fn!r}")
    matchers = [(kind, *_matcher(kind_types)) for kind, kind_types in types.items()]
    strict = bool(json_strict)
    is_utf8 = encoding == "utf-8"  # the bytes read are the text's UTF-8

    def kind_of(ctx: Context) -> str | None:
        if detect_json is not None and detect_json(ctx):
            return "json"
        request = ctx.request
        mime = request.type.lower()
        if not request.has_body():
            # As @koa/bodyparser (type-is on the header alone): a parsable type
            # without a body is read as an empty one (raw_body "").
            for kind, exact, patterns in matchers:
                if kind == "multipart":  # not @koa/bodyparser's: no parts, no body
                    continue
                if mime and (mime in exact or any(_bare_match(mime, p) for p in patterns)):
                    return kind
            return None
        for kind, exact, patterns in matchers:
            if mime in exact or (patterns and request.is_(patterns)):
                return kind
        return None

    async def parse(ctx: Context) -> tuple[Any, str | None, Files | None]:
        kind = kind_of(ctx)
        if kind is None:
            return {}, None, None
        if kind == "multipart":
            fields, files = await parse_multipart(ctx, multipart, encoding)
            return fields, None, files
        data = await read_body(ctx, limits[kind])
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise HttpError(
                400, f"request body is not valid {encoding}", type="charset.invalid"
            ) from None
        if text.startswith("\ufeff"):
            text = text[1:]
            data = data[3:] if data.startswith(_UTF8_BOM) else b""
        if kind == "json":
            try:
                utf8 = data if is_utf8 else None
                return parse_json(text, strict=strict, data=utf8), text, None
            except ValueError as err:
                raise HttpError(
                    400, str(err), expose=False, body=text, type="entity.parse.failed"
                ) from err
        if kind == "form":
            return parse_form(text), text, None
        return text, text, None

    async def bodyparser_middleware(ctx: Context, next: Next) -> Any:
        request: Any = ctx.request
        _ensure_defaults(request)
        if (
            ctx.method.upper() not in methods
            or request.body is not None
            or getattr(ctx, "disable_body_parser", False)
        ):
            return await next()
        if enable_raw_checking:
            raw = ctx.req.get("body")
            if raw is not None:
                request.body = raw
                return await next()
        if client_gone(ctx.req):
            ctx.status = CLIENT_CLOSED
            ctx.body = "Request already closed"
            return None

        try:
            body, raw_body, files = await parse(ctx)
        except Exception as err:
            if on_error is None:
                raise
            result = on_error(err, ctx)
            if inspect.isawaitable(result):
                await result
            return await next()
        request.body = body
        if request.raw_body is None:
            request.raw_body = raw_body
        if files is None:
            return await next()
        request.files = files
        try:
            return await next()
        finally:
            remove_files(files)

    return bodyparser_middleware


def _count(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {value!r}")
    return value
