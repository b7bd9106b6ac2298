"""The Router: registration, nesting, prefixes, dispatch and allowed methods."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from functools import partial
from typing import Any, Generic, Literal, Self, overload

from koa.core import Context, Middleware, Next, compose, ensure_async, returns_awaitable

from ._allowed import allowed_methods
from ._chain import Selected, run_chain
from ._context import C, ParamHandler, RouterHandler
from ._index import Index
from ._layer import BOUNDARY, AnyHandler, Layer
from ._methods import ALL_METHODS, DEFAULT_METHODS
from ._options import HostOption, MatchResult, RoutePath, RouterEvents, RouterOptions
from ._path import has_params

__all__ = ["Router", "RouterMiddleware"]


@returns_awaitable
class RouterMiddleware(partial[Awaitable[Any]]):
    """The middleware ``router.routes()`` returns; ``.router`` is its router
    (``other.use(router.routes())`` mounts a copy of that router's layers).

    Calling it matches the request and returns what runs next (the route's
    handler, or ``next()``). It is a ``functools.partial`` of the router's
    dispatch, marked with :func:`koa.core.returns_awaitable`: the call goes
    straight from C to the dispatch, so the router adds no frame of its own
    to a request."""

    __slots__ = ()

    def __new__(cls, router: Router[Any]) -> Self:
        return super().__new__(cls, Router._dispatch, router)

    @property
    def router(self) -> Router[Any]:
        """The router this middleware dispatches to."""
        router: Router[Any] = self.args[0]
        return router

    def __repr__(self) -> str:
        return f"<RouterMiddleware of {self.router!r}>"


class Router(Generic[C]):
    """Routes requests to middleware by method and path (@koa/router).

    ``prefix``: prepended to every path registered (not normalised: ``"/a/"``
    + ``"/b"`` is ``/a//b``; :meth:`prefix` strips a trailing slash).
    ``exclusive``: ``True`` runs only the last matching layer,
    ``"specificity"`` the one with the fewest parameters (the first on a tie).
    ``host``: only answer requests whose ``ctx.host`` (port included) equals
    it, is in a list of hosts, or matches a regex.
    ``methods``: the methods this router implements; any other method gets a
    501 from :meth:`allowed_methods`. ``sensitive``: case-sensitive paths.
    ``strict``: a trailing slash matters. ``router_path``: match this path
    instead of the request's (tests).

    Handlers receive the context type the router is parametrised with:
    ``Router[AppContext]()`` takes ``async def h(ctx: AppContext, next)``.
    """

    opts: RouterOptions
    #: Param handlers by parameter name, in registration order.
    params: dict[str, list[ParamHandler[C]]]
    #: The layers, in registration order (change it through the router).
    stack: list[Layer]

    def __init__(
        self,
        *,
        prefix: str | None = None,
        exclusive: bool | Literal["specificity"] = False,
        host: HostOption = None,
        methods: Sequence[str] | None = None,
        sensitive: bool = False,
        strict: bool = False,
        router_path: str | None = None,
    ) -> None:
        self.opts = RouterOptions(
            prefix=prefix,
            exclusive=exclusive,
            host=host,
            methods=[m.upper() for m in methods] if methods is not None else list(DEFAULT_METHODS),
            sensitive=sensitive,
            strict=strict,
            router_path=router_path,
        )
        self.params = {}
        self.stack = []
        self._not_found: list[AnyHandler] = []
        self._not_found_chain: Callable[[Context, Next], Awaitable[Any]] | None = None
        self._index: Index | None = None

    # -- options -------------------------------------------------------------

    @property
    def methods(self) -> list[str]:
        """The methods this router implements (upper-case)."""
        return self.opts.methods

    @property
    def exclusive(self) -> bool | Literal["specificity"]:
        """The ``exclusive`` option."""
        return self.opts.exclusive

    @property
    def host(self) -> HostOption:
        """The ``host`` option."""
        return self.opts.host

    @host.setter
    def host(self, value: HostOption) -> None:
        self.opts.host = value

    def __repr__(self) -> str:
        prefix = f" prefix={self.opts.prefix!r}" if self.opts.prefix else ""
        return f"<Router{prefix} layers={len(self.stack)}>"

    # -- registration --------------------------------------------------------

    def get(self, path: RoutePath, *middleware: RouterHandler[C], name: Hashable = None) -> Self:
        """Answer GET (and HEAD) on *path* with *middleware*; returns the router."""
        return self._route("get", path, middleware, name)

    def post(self, path: RoutePath, *middleware: RouterHandler[C], name: Hashable = None) -> Self:
        """Answer POST on *path*."""
        return self._route("post", path, middleware, name)

    def put(self, path: RoutePath, *middleware: RouterHandler[C], name: Hashable = None) -> Self:
        """Answer PUT on *path*."""
        return self._route("put", path, middleware, name)

    def patch(self, path: RoutePath, *middleware: RouterHandler[C], name: Hashable = None) -> Self:
        """Answer PATCH on *path*."""
        return self._route("patch", path, middleware, name)

    def delete(self, path: RoutePath, *middleware: RouterHandler[C], name: Hashable = None) -> Self:
        """Answer DELETE on *path*."""
        return self._route("delete", path, middleware, name)

    def del_(self, path: RoutePath, *middleware: RouterHandler[C], name: Hashable = None) -> Self:
        """Alias of :meth:`delete` (Koa's ``router.del``)."""
        return self._route("delete", path, middleware, name)

    def head(self, path: RoutePath, *middleware: RouterHandler[C], name: Hashable = None) -> Self:
        """Answer HEAD on *path* (GET routes answer HEAD too)."""
        return self._route("head", path, middleware, name)

    def options(
        self, path: RoutePath, *middleware: RouterHandler[C], name: Hashable = None
    ) -> Self:
        """Answer OPTIONS on *path*."""
        return self._route("options", path, middleware, name)

    def all(self, path: RoutePath, *middleware: RouterHandler[C], name: Hashable = None) -> Self:
        """Answer every HTTP method Node knows on *path*."""
        return self._route("all", path, middleware, name)

    def register(
        self,
        path: RoutePath,
        methods: Sequence[str],
        middleware: RouterHandler[C] | Sequence[RouterHandler[C]],
        *,
        name: Hashable = None,
    ) -> Self:
        """Add a route for any *methods* (``register("/x", ["PURGE"], h)``);
        *middleware* is one handler or a list. Returns the router."""
        _check_path(path, "a route")
        self._register(path, methods, middleware, name=name)
        return self

    def _route(
        self,
        verb: str,
        path: RoutePath,
        middleware: Sequence[RouterHandler[C]],
        name: Hashable,
    ) -> Self:
        if not isinstance(path, (str, re.Pattern)) and (
            not isinstance(path, (list, tuple)) or not path
        ):
            article = "an" if verb == "all" else "a"
            raise TypeError(f"You have to provide a path when adding {article} {verb} handler")
        _check_path(path, f"a {verb} route")
        methods = [method.lower() for method in ALL_METHODS] if verb == "all" else [verb]
        self._register(path, methods, middleware, name=name)
        return self

    def _register(
        self,
        path: RoutePath,
        methods: Sequence[str],
        middleware: Callable[..., Any] | Sequence[Callable[..., Any]],
        *,
        name: Hashable = None,
        end: bool = True,
        ignore_captures: bool = False,
        ignore_wildcard_parameter: str | None = None,
        path_as_regexp: bool = False,
    ) -> None:
        if isinstance(path, (list, tuple)):
            for item in path:
                self._register(
                    item,
                    methods,
                    middleware,
                    name=name,
                    end=end,
                    ignore_captures=ignore_captures,
                    ignore_wildcard_parameter=ignore_wildcard_parameter,
                    path_as_regexp=path_as_regexp,
                )
            return
        assert isinstance(path, (str, re.Pattern))
        opts = self.opts
        layer = Layer(
            path,
            methods,
            middleware,
            name=name,
            sensitive=opts.sensitive,
            strict=opts.strict,
            end=end,
            ignore_captures=ignore_captures,
            ignore_wildcard_parameter=ignore_wildcard_parameter,
            path_as_regexp=path_as_regexp,
        )
        layer.keep_as_unprefixed()
        if opts.prefix:
            layer.set_prefix(opts.prefix)
        for param, handlers in self.params.items():
            for handler in _handlers(handlers):
                layer.param(param, handler)
        self.stack.append(layer)
        self._index = None

    @overload
    def use(
        self, path: str | re.Pattern[str] | Sequence[str], /, *middleware: RouterHandler[C]
    ) -> Self: ...

    @overload
    def use(self, /, *middleware: RouterHandler[C]) -> Self: ...

    def use(self, *args: Any) -> Self:
        """Run middleware for the requests this router routes.

        ``use(mw, ...)``, ``use(path, mw, ...)`` (a path prefix: ``"/api"``
        runs for ``/api`` and ``/api/...``; ``"/"`` for the root only; ``""``
        for the router's prefix and everything under it), ``use([paths],
        ...)`` or ``use(regex, ...)``. ``use(other.routes())`` mounts a copy of
        *other*'s layers as they are now (under *path*, then this router's
        prefix). Middleware runs only when a route of this router matches.
        """
        if args and isinstance(args[0], (list, tuple)):
            paths, rest = args[0], args[1:]
            if not paths or not all(isinstance(item, str) for item in paths):
                raise TypeError("router.use() paths must be a non-empty list of strings")
            for item in paths:
                self.use(item, *rest)
            return self
        explicit: str | re.Pattern[str] | None = None
        middleware = args
        if args and isinstance(args[0], (str, re.Pattern)):
            explicit, middleware = args[0], args[1:]
        if not middleware:
            raise TypeError("You must provide at least one middleware function to router.use()")
        for item in middleware:
            if isinstance(item, RouterMiddleware):
                if isinstance(explicit, re.Pattern):
                    # @koa/router ignores a regex here and mounts at the root.
                    raise TypeError("a router can only be mounted at a string path")
                self._mount(item.router, explicit)
            else:
                self._use_middleware(item, explicit)
        return self

    def _use_middleware(
        self, middleware: Callable[..., Any], explicit: str | re.Pattern[str] | None
    ) -> None:
        prefix_has_params = has_params(self.opts.prefix or "")
        if explicit is None and prefix_has_params:
            explicit = ""  # capture the prefix's parameters
        if explicit is None:
            self._register(BOUNDARY, (), middleware, end=False, ignore_captures=True,
                           path_as_regexp=True)  # fmt: skip
        elif isinstance(explicit, re.Pattern):
            self._register(explicit, (), middleware, end=False, path_as_regexp=True)
        elif explicit == "":
            self._register("{/*rest}", (), middleware, end=False, ignore_wildcard_parameter="rest")
        else:
            self._register(explicit, (), middleware, end=explicit == "/")

    def _mount(self, child: Router[Any], path: str | None) -> None:
        mount = path or None
        mount_has_params = mount is not None and has_params(mount)
        prefix = self.opts.prefix
        for layer in list(child.stack):
            clone = layer.clone()
            if mount is not None:
                clone.set_prefix(mount)
            clone.keep_as_unprefixed()
            if prefix:
                clone.set_prefix(prefix)
            if not clone.methods and mount_has_params:
                clone.opts.ignore_captures = False
            for param, handlers in self.params.items():
                for handler in _handlers(handlers):
                    clone.param(param, handler)
            self.stack.append(clone)
        self._index = None

    def param(self, name: str, handler: ParamHandler[C]) -> Self:
        """Run ``handler(value, ctx, next)`` before every route whose path
        declares *name* (registered before or after), at most once a request;
        not calling ``next()`` ends the request there."""
        existing: object = self.params.get(name)
        handlers: list[ParamHandler[C]] = _handlers(existing) if existing is not None else []
        handlers.append(handler)
        self.params[name] = handlers
        for layer in self.stack:
            layer.param(name, handler)
        return self

    def prefix(self, prefix: str) -> Self:
        """Set the prefix (one trailing ``/`` stripped), replacing the previous
        one on every layer registered so far."""
        if prefix.endswith("/"):
            prefix = prefix[:-1]
        self.opts.prefix = prefix
        for layer in self.stack:
            layer.replace_prefix(prefix)
        self._index = None
        return self

    def redirect(self, source: Hashable, destination: Hashable, status: int = 301) -> Self:
        """Redirect *source* to *destination* with *status*, for every method.

        Either may be a route name (anything that is not a string starting with
        ``/``; a destination containing ``://`` is an absolute URL).
        """
        if not (isinstance(source, str) and source.startswith("/")):
            source = self.url(source)
        if not (
            isinstance(destination, str) and (destination.startswith("/") or "://" in destination)
        ):
            destination = self.url(destination)
        target = str(destination)

        async def redirect(ctx: Context, next: Next) -> None:
            ctx.redirect(target)
            ctx.status = status

        return self.all(str(source), redirect)

    def on(
        self,
        event: str | Callable[[type[RouterEvents]], str],
        handler: RouterHandler[C],
    ) -> Self:
        """Add a handler for a router event: ``on("not-found", h)``, also
        ``on(RouterEvents.NOT_FOUND, h)`` or ``on(lambda e: e.NOT_FOUND, h)``.

        ``"not-found"`` handlers (composed in order) run instead of ``next()``
        when no route matched; they call ``next()`` to go on downstream.
        """
        name = event(RouterEvents) if callable(event) else event
        if RouterEvents(name) is RouterEvents.NOT_FOUND:
            self._not_found.append(ensure_async(handler))
            self._not_found_chain = compose(self._not_found)
        return self

    # -- lookup --------------------------------------------------------------

    def route(self, name: Hashable) -> Layer | None:
        """The first layer named *name*, or None."""
        if self._index is not None and self._index.indexes(self.stack):
            return self._index.named.get(name)
        # Not indexed yet (still registering): do not build the index for this.
        return next((layer for layer in self.stack if layer.name == name), None)

    def url(
        self, name: Hashable, *params: object, query: Mapping[str, object] | str | None = None
    ) -> str:
        """The URL of the route named *name*: ``url("user", {"id": 3})`` or
        ``url("user", 3)``, plus ``query={"page": 2}`` or ``query="page=2"``.
        Raises LookupError for an unknown name, TypeError for a missing
        parameter or a regex route."""
        layer = self.route(name)
        if layer is None:
            raise LookupError(f"No route found for name: {name}")
        return layer.url(*params, query=query)

    @staticmethod
    def url_from_pattern(
        pattern: str, *params: object, query: Mapping[str, object] | str | None = None
    ) -> str:
        """A URL from a path pattern (Koa's static ``Router.url``):
        ``Router.url_from_pattern("/users/:id", {"id": 1})`` is ``/users/1``."""
        return Layer(pattern, (), []).url(*params, query=query)

    def match(self, path: str, method: str) -> MatchResult:
        """The layers matching *path*, and those also matching *method*."""
        found, selected, route = self._match(path, method)
        return MatchResult(found, [layer for layer, _ in selected], route)

    def match_host(self, host: str | None) -> bool:
        """Whether this router answers requests for *host*."""
        expected: object = self.opts.host
        if expected is None or expected == "":
            return True
        if not host:
            return False
        if isinstance(expected, str):
            return host == expected
        if isinstance(expected, re.Pattern):
            return expected.search(host) is not None
        if isinstance(expected, (list, tuple)):
            return host in expected
        return False

    def _lookup_index(self) -> Index:
        index = self._index
        if index is None or not index.indexes(self.stack):
            index = self._index = Index(self.stack)
        return index

    def _match(self, path: str, method: str) -> tuple[list[Layer], list[Selected], bool]:
        """The layers matching *path*; those also matching *method*, each with
        its captures; whether one of those is a route (has methods)."""
        index = self._index
        stack = self.stack
        # index.indexes(stack), inlined: this runs on every request
        if index is None or len(stack) != index.size or (stack and stack[-1] is not index.last):
            index = self._lookup_index()
        method = method.upper()
        found: list[Layer] = []
        selected: list[Selected] = []
        route = False
        for layer in index.candidates(path):
            hit = layer.find(path)
            if hit is None:
                continue
            found.append(layer)
            methods = layer.methods
            if not methods or method in methods:
                selected.append((layer, [] if layer.opts.ignore_captures else list(hit.groups())))
                if methods:
                    route = True
        return found, selected, route

    # -- dispatch ------------------------------------------------------------

    def routes(self) -> RouterMiddleware:
        """The middleware that dispatches requests to this router's layers."""
        return RouterMiddleware(self)

    def middleware(self) -> RouterMiddleware:
        """Alias of :meth:`routes`."""
        return RouterMiddleware(self)

    def _dispatch(self, ctx: Context, next: Next) -> Awaitable[Any]:
        # A plain function returning the awaitable to run next (see
        # RouterMiddleware).
        opts = self.opts
        if opts.host is not None and not self.match_host(ctx.host):
            return next()
        state = ctx.__dict__
        request = ctx.request
        path = opts.router_path or state.get("new_router_path") or request.path
        found, selected, route = self._match(path, request.method)
        matched = state.get("matched")
        if matched is None:
            state["matched"] = found
        else:
            matched.extend(found)
        state["router"] = self
        state["route_matched"] = route
        if not route:
            if "params" not in state:
                state["params"] = request.__dict__["params"] = {}
                state["captures"] = []
                state["router_path"] = state["router_name"] = None
                state["matched_route"] = state["matched_route_name"] = None
            if self._not_found_chain is not None:
                return self._not_found_chain(ctx, next)
            return next()
        # Entering the first selected layer (run_chain, at once) sets params,
        # captures, router_path, router_name and matched_route.
        if "matched_route_name" not in state:
            state["matched_route_name"] = None
        for layer, _ in reversed(selected):
            if layer.methods:
                state["matched_route"] = layer.path
                if layer.name is not None:
                    state["matched_route_name"] = layer.name
                break
        exclusive = opts.exclusive
        if exclusive == "specificity":
            chosen = selected[0]
            for candidate in selected:
                if len(candidate[0].param_names) < len(chosen[0].param_names):
                    chosen = candidate
            selected = [chosen]
        elif exclusive:
            selected = selected[-1:]
        return run_chain(ctx, selected, next)

    def allowed_methods(
        self,
        *,
        throw: bool = False,
        not_implemented: Callable[[], BaseException] | None = None,
        method_not_allowed: Callable[[], BaseException] | None = None,
    ) -> Middleware:
        """Middleware answering what the routes did not, after ``next()``:
        OPTIONS with 200 and ``Allow``; 405 (with ``Allow``) when the path
        matched but not the method; 501 for a method the router does not
        implement. With ``throw`` the 405 and 501 are raised as errors instead
        (``HttpError``, or what the given factories return).

        It acts only on a request some router saw (``ctx.matched`` exists)
        and whose status is still 404.
        """
        return allowed_methods(self.opts, throw, not_implemented, method_not_allowed)


def _handlers(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _check_path(path: RoutePath, what: str) -> None:
    items = path if isinstance(path, (list, tuple)) else [path]
    for item in items:
        if isinstance(item, str) and not item:
            raise ValueError(f"the path of {what} must not be empty (use '/')")
        if not isinstance(item, (str, re.Pattern)):
            raise TypeError(f"the path of {what} must be a str or a compiled regex, not {item!r}")
