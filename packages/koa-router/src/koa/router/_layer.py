"""One entry of a router's stack: a path matcher, its methods and middleware."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, NamedTuple, TypeAlias

from koa.core import Context, Next, ensure_async
from koa.core.http import safe_decode_uri_component

from ._path import (
    Flat,
    Key,
    Param,
    Wildcard,
    build_path,
    compile_path,
    encode_uri_component,
    escape_text,
    has_params,
    literal_text,
    parse,
)

__all__ = ["BOUNDARY", "IndexShape", "Layer", "LayerOptions", "format_query"]

#: The path of a ``use()`` layer without a path: "here, or below".
BOUNDARY = r"(?:\/|$)"

AnyHandler: TypeAlias = Callable[[Any, Next], Awaitable[Any]]
_Kind: TypeAlias = Literal["pattern", "boundary", "regexp", "empty"]
_PathState: TypeAlias = tuple[Any, ...]


class IndexShape(NamedTuple):
    """How a router's index files a layer (:attr:`Layer.index_shape`)."""

    kind: _Kind
    literal: str
    sequences: list[Flat]


@dataclass(slots=True)
class LayerOptions:
    """How a layer matches (copied, not shared, when a layer is cloned)."""

    #: Route name, for ``router.url()`` and ``router.route()``.
    name: Hashable | None = None
    #: Case-sensitive matching.
    sensitive: bool = False
    #: Trailing slash significant.
    strict: bool = False
    #: The path must match to its end (``False`` for ``use()`` paths: a prefix
    #: ending at a segment boundary).
    end: bool = True
    #: Do not expose captures (``use()`` without a path).
    ignore_captures: bool = False
    #: A wildcard the router adds itself (``use("")``): not put in ``ctx.params``.
    ignore_wildcard_parameter: str | None = None
    #: The path string is a raw regex, not path syntax.
    path_as_regexp: bool = False


class _ParamMiddleware:
    """A ``router.param()`` handler in a layer's stack: runs at most once per
    request, with the parameter's decoded value."""

    __slots__ = ("handler", "key", "param")

    def __init__(self, param: str, handler: Callable[..., Any]) -> None:
        self.param = param
        self.key = id(handler)  # the handler as given: the same in every layer
        self.handler = handler

    async def __call__(self, ctx: Context, next: Next) -> Any:
        state = ctx.__dict__
        seen: set[int] | None = state.get("_matched_params")
        if seen is None:
            seen = state["_matched_params"] = set()
        key = self.key
        if key in seen:
            return await next()
        seen.add(key)
        value = state.get("params", {}).get(self.param)
        if value is None:  # an optional parameter that did not match
            return await next()
        result = self.handler(value, ctx, next)
        # Koa accepts a plain function too (returning a promise, or nothing).
        return await result if inspect.isawaitable(result) else result


class Layer:
    """A route or ``use()`` middleware: *path* (path syntax, a list of them is
    split by the router, or a compiled regex), the HTTP *methods* it answers
    (none for middleware; GET implies HEAD) and its *middleware*.

    Keyword options are those of :class:`LayerOptions`.
    """

    opts: LayerOptions
    name: Hashable | None
    methods: list[str]
    stack: list[AnyHandler]
    path: str | re.Pattern[str]
    param_names: list[Key]
    #: The compiled matcher: ``find(path)`` is the match (``regexp.search``
    #: for a regex route, an anchored ``match`` otherwise) or ``None``.
    find: Callable[[str], re.Match[str] | None]

    def __init__(
        self,
        path: str | re.Pattern[str],
        methods: Iterable[str],
        middleware: Callable[..., Any] | Sequence[Callable[..., Any]],
        *,
        name: Hashable | None = None,
        sensitive: bool = False,
        strict: bool = False,
        end: bool = True,
        ignore_captures: bool = False,
        ignore_wildcard_parameter: str | None = None,
        path_as_regexp: bool = False,
    ) -> None:
        self.opts = LayerOptions(
            name=name,
            sensitive=sensitive,
            strict=strict,
            end=end,
            ignore_captures=ignore_captures,
            ignore_wildcard_parameter=ignore_wildcard_parameter,
            path_as_regexp=path_as_regexp or isinstance(path, re.Pattern),
        )
        self.name = name
        given = list(methods)
        self.methods = []
        for method in given:
            method = method.upper()
            self.methods.append(method)
            if method == "GET":
                self.methods.insert(0, "HEAD")
        items: list[Any] = (
            list(middleware) if isinstance(middleware, (list, tuple)) else [middleware]
        )
        for item in items:
            if not callable(item):
                label = name if name is not None else _label(path)
                raise TypeError(
                    f"{','.join(given)} `{label}`: `middleware` must be a function, "
                    f"not `{type(item).__name__}`"
                )
        self.stack = [ensure_async(item) for item in items]
        self.path = path
        #: The path state before the owning router's prefix (for ``prefix()``).
        self._unprefixed: _PathState | None = None
        self._configure()

    # -- matching ------------------------------------------------------------

    def _configure(self) -> None:
        self.param_names = []
        self._regexp: re.Pattern[str] | None = None
        self._literal = ""
        self._sequences: list[Flat] = []
        path = self.path
        if isinstance(path, re.Pattern):
            self._kind: _Kind = "regexp"
            self.regexp = path
        elif self.opts.path_as_regexp:
            if path == BOUNDARY:
                self._kind = "boundary"
                self._compile_boundary()
            else:
                self._kind = "regexp"
                self.regexp = re.compile(path)
        elif path:
            self._kind = "pattern"
            opts = self.opts
            regexp, self.param_names, self._sequences = compile_path(
                path, end=opts.end, sensitive=opts.sensitive, trailing=not opts.strict
            )
            self.regexp = regexp
        else:
            self._kind = "empty"
            self.regexp = None

    @property
    def regexp(self) -> re.Pattern[str] | None:
        """The compiled matcher (``None`` for an empty path)."""
        return self._regexp

    @regexp.setter
    def regexp(self, value: re.Pattern[str] | None) -> None:
        self._regexp = value
        if value is None:
            self.find = _never
        elif self._kind == "regexp":
            self.find = value.search  # a regex is tested anywhere, like JS's .test()
        else:
            self.find = value.match

    def _compile_boundary(self) -> None:
        # A literal prefix (case-folded like the routes unless sensitive) and a
        # segment boundary: "/accounts" matches /accounts and /accounts/1 but
        # not /accountsx. With no prefix it matches every path.
        literal = self._literal
        flags = 0 if self.opts.sensitive else re.IGNORECASE
        source = re.escape(literal) + r"(?:/|\Z)" if literal else ""
        self.regexp = re.compile(source, flags)

    def match(self, path: str) -> bool:
        """Whether *path* matches this layer."""
        return self.find(path) is not None

    def captures(self, path: str) -> list[str | None]:
        """The regex captures for *path* (``[]`` when it does not match, or the
        layer ignores captures)."""
        if self.opts.ignore_captures:
            return []
        found = self.find(path)
        return list(found.groups()) if found is not None else []

    def params(
        self, captures: Sequence[str | None], existing: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """*existing* merged with this layer's parameters taken from *captures*,
        each decoded like ``decodeURIComponent`` (kept raw when malformed)."""
        params = dict(existing) if existing else {}
        ignored = self.opts.ignore_wildcard_parameter
        for key, value in zip(self.param_names, captures, strict=False):
            if value:
                name = key.name
                if name == ignored and isinstance(key, Wildcard):
                    continue
                params[name] = value if "%" not in value else safe_decode_uri_component(value)
        return params

    # -- prefixes ------------------------------------------------------------

    def set_prefix(self, prefix: str) -> Layer:
        """Prepend *prefix* to the path and recompile (a regex route is left
        alone; ``"/"`` becomes the prefix itself unless ``strict``)."""
        path = self.path
        if not path or isinstance(path, re.Pattern):
            return self
        if self._kind == "boundary":
            literal = literal_text(prefix)
            if literal is None:
                # A prefix with parameters: "prefix + here-or-below" in path
                # syntax, so that its parameters are captured (the middleware
                # sees them, as the routes do).
                self.path = prefix + escape_text(self._literal) + "{/*rest}"
                self.opts.path_as_regexp = False
                self.opts.ignore_captures = False
                self.opts.ignore_wildcard_parameter = "rest"
            else:
                self._literal = literal + self._literal
                self.path = prefix + path
                self._compile_boundary()
                return self
        elif path == "/" and not self.opts.strict:
            self.path = prefix
        else:
            self.path = prefix + path
        if self.opts.path_as_regexp:
            if has_params(prefix):
                self.opts.path_as_regexp = False
            else:
                text = str(self.path)
                self.regexp = re.compile(text if text.startswith("^") else "^" + text)
                return self
        self._configure()
        return self

    @property
    def index_shape(self) -> IndexShape:
        """What a router's index files this layer under (read when the index
        is built): its kind, literal prefix and the static/param sequences
        its path can match."""
        return IndexShape(self._kind, self._literal, self._sequences)

    def keep_as_unprefixed(self) -> None:
        """Record the current path as the one a router's prefix is added to
        (:meth:`replace_prefix` comes back to it)."""
        self._unprefixed = self._state()

    def replace_prefix(self, prefix: str) -> Layer:
        """Replace the router prefix added to the path recorded by
        :meth:`keep_as_unprefixed` (the current path, if none was) with
        *prefix* (none when empty)."""
        state = self._unprefixed
        if state is None:
            self._unprefixed = self._state()
        else:
            self._restore(state)
        if prefix:
            self.set_prefix(prefix)
        return self

    def _state(self) -> _PathState:
        opts = self.opts
        return (
            self.path,
            opts.path_as_regexp,
            opts.ignore_wildcard_parameter,
            self._kind,
            self._literal,
            self._regexp,
            self.param_names,
            self._sequences,
            self.find,
        )

    def _restore(self, state: _PathState) -> None:
        opts = self.opts
        (
            self.path,
            opts.path_as_regexp,
            opts.ignore_wildcard_parameter,
            self._kind,
            self._literal,
            self._regexp,
            self.param_names,
            self._sequences,
            self.find,
        ) = state
        self.param_names = list(self.param_names)

    # -- params and URLs -----------------------------------------------------

    def param(self, name: str, handler: Callable[..., Awaitable[Any]]) -> Layer:
        """Run *handler(value, ctx, next)* before this layer's middleware when
        the path declares *name*. Param handlers run in the order of their
        parameters in the path, then in registration order."""
        names = [key.name for key in self.param_names]
        if name not in names:
            return self
        position = names.index(name)
        wrapper = _ParamMiddleware(name, handler)
        stack = self.stack
        for index, existing in enumerate(stack):
            if not isinstance(existing, _ParamMiddleware) or (
                existing.param in names and names.index(existing.param) > position
            ):
                stack.insert(index, wrapper)
                return self
        stack.append(wrapper)
        return self

    def url(self, *params: object, query: Mapping[str, object] | str | None = None) -> str:
        """The URL of this route: ``url({"id": 3})`` or ``url(3)`` (values in
        the order of the path's parameters), then ``?query`` (a mapping, where
        lists repeat the key, or a ready string). Values are percent-encoded
        like ``encodeURIComponent``; a missing parameter raises TypeError."""
        path = self.path
        if isinstance(path, re.Pattern) or self._kind in ("regexp", "boundary"):
            raise TypeError(
                "Cannot generate URL for routes defined with RegExp paths. "
                "Use string paths with named parameters instead."
            )
        tokens = parse(path)
        values: dict[str, str | Sequence[str]] = {}
        if len(params) == 1 and isinstance(params[0], Mapping):
            for key, value in params[0].items():
                values[str(key)] = _url_value(value)
        else:
            names = [token.name for token in tokens if isinstance(token, (Param, Wildcard))]
            for name, value in zip(names, params, strict=False):
                values[name] = _url_value(value)
        url = build_path(tokens, values, path)
        if query:
            text = query if isinstance(query, str) else format_query(query)
            if text:
                url += text if text.startswith("?") else "?" + text
        return url

    # -- copies --------------------------------------------------------------

    def clone(self) -> Layer:
        """A copy whose stack, methods, param names and options are its own."""
        copy = object.__new__(Layer)
        copy.__dict__.update(self.__dict__)
        copy.stack = list(self.stack)
        copy.methods = list(self.methods)
        copy.param_names = list(self.param_names)
        copy.opts = replace(self.opts)
        return copy

    def __repr__(self) -> str:
        methods = ",".join(self.methods) or "use"
        return f"<Layer {methods} {_label(self.path)!r}>"


def _never(path: str) -> None:
    return None


def _label(path: str | re.Pattern[str]) -> str:
    return path.pattern if isinstance(path, re.Pattern) else path


def _url_value(value: object) -> str | Sequence[str]:
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return str(value)


def format_query(query: Mapping[str, object]) -> str:
    """``a=1&b=x%20y``: Node's ``querystring.stringify``, lists as repeated
    keys, ``None`` as an empty value, components encoded like
    ``encodeURIComponent``."""
    parts: list[str] = []
    for key, value in query.items():
        name = encode_uri_component(str(key))
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            parts.append(f"{name}={encode_uri_component(_query_value(item))}")
    return "&".join(parts)


def _query_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
