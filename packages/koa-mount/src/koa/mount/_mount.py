"""``mount()``: run an app or middleware under a path prefix (koa-mount)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeAlias, TypeVar, overload

from koa.core import Context, Koa, Middleware, Next, compose

__all__ = ["MountTarget", "mount"]

#: What can be mounted: a Koa app (its middleware), one middleware, or a list.
MountTarget: TypeAlias = Koa | Middleware | Sequence[Middleware]

_Composed = Callable[[Context, Next], Awaitable[Any]]
_MISSING: Any = object()


def _app_middleware(app: Koa) -> _Composed:
    """The app's middleware composed, re-composed when its list changes.

    koa-compose keeps a reference to the app's array, so middleware added to a
    sub-app after it was mounted still runs (koa-mount's cascade test relies on
    it); ``koa.core.compose`` copies its input, hence the snapshot check.
    """
    snapshot: list[Middleware] = []
    composed = compose(snapshot)

    async def run(ctx: Context, next: Next) -> Any:
        nonlocal snapshot, composed
        if app.middleware != snapshot:
            snapshot = list(app.middleware)
            composed = compose(snapshot)
        return await composed(ctx, next)

    run.__name__ = "mounted_app"
    return run


def _downstream(target: MountTarget) -> _Composed:
    if isinstance(target, Koa):
        return _app_middleware(target)
    if isinstance(target, (list, tuple)):
        return compose(target)
    if callable(target):
        return compose([target])
    raise TypeError(f"mount() needs a Koa app, a middleware or a list of them, got {target!r}")


def _matcher(prefix: str) -> Callable[[str], str | None]:
    """The path the mounted middleware sees for *path*, or ``None`` when the
    prefix does not apply. ``/foo`` matches ``/foo`` and ``/foo/...`` but not
    ``/foobar``; ``/foo/`` matches ``/foo/`` and ``/foo/...`` only."""
    if prefix.endswith("/"):
        # Keep the separator: "/foo/" + "/bar" -> "/bar" (koa-mount gives "bar").
        cut = len(prefix) - 1

        def match_dir(path: str) -> str | None:
            return path[cut:] if path.startswith(prefix) else None

        return match_dir

    cut = len(prefix)

    def match(path: str) -> str | None:
        if not path.startswith(prefix):
            return None
        rest = path[cut:]
        if not rest:
            return "/"
        return rest if rest[0] == "/" else None

    return match


# Mounted middleware may annotate ctx with a typing-only Context subclass
# (MountContext, RouterContext...), as app.use() allows.
_C = TypeVar("_C", bound=Context)
_Typed: TypeAlias = (
    Koa | Callable[[_C, Next], Awaitable[Any]] | Sequence[Callable[[_C, Next], Awaitable[Any]]]
)


@overload
def mount(app: _Typed[_C], /) -> Middleware: ...
@overload
def mount(prefix: str, app: _Typed[_C], /) -> Middleware: ...
def mount(prefix: Any, app: Any = None, /) -> Middleware:
    """Run *app* (a Koa app, a middleware or a list of middleware) for requests
    whose path starts with *prefix* (default ``"/"``).

    Inside, ``ctx.path`` (and so ``ctx.url``) has the prefix stripped and
    ``ctx.mount_path`` is the prefix; ``ctx.original_url`` never changes. While
    the mounted middleware calls ``next()`` the parent's downstream runs with
    the original path, and the original path is back when the mount returns or
    raises. The match is case-sensitive, on the raw (undecoded) path.

    A mounted Koa app contributes only its middleware: they run with the
    parent's ``ctx`` (so ``ctx.app`` is the parent and the parent's ``proxy``,
    ``keys``, ``context`` extensions and ``"error"`` listeners apply; the
    mounted app's are ignored). Middleware added to the app after mounting run
    too.

    ``prefix`` must begin with ``"/"`` (:class:`ValueError` otherwise).
    """
    if app is None:
        if isinstance(prefix, str):
            raise TypeError("mount() needs an app or middleware to mount after the prefix")
        target: MountTarget = prefix
        prefix = "/"
    else:
        target = app
    if not isinstance(prefix, str):
        raise TypeError(f"mount path must be a string, got {prefix!r}")
    if not prefix.startswith("/"):
        raise ValueError(f'mount path must begin with "/", got {prefix!r}')
    downstream = _downstream(target)
    if prefix == "/":
        return downstream
    match = _matcher(prefix)

    async def mounted(ctx: Context, upstream: Next) -> Any:
        original = ctx.path
        path = match(original)
        if path is None:
            return await upstream()
        attrs = ctx.__dict__  # ctx.mount_path is a runtime attribute
        previous_mount = attrs.get("mount_path", _MISSING)

        def enter() -> None:
            ctx.path = path
            attrs["mount_path"] = prefix

        def leave() -> None:
            ctx.path = original
            if previous_mount is _MISSING:
                attrs.pop("mount_path", None)
            else:
                attrs["mount_path"] = previous_mount

        async def parent_downstream() -> Any:
            leave()
            try:
                return await upstream()
            finally:
                enter()

        enter()
        try:
            return await downstream(ctx, parent_downstream)
        finally:
            leave()

    mounted.__name__ = f"mount({prefix})"
    return mounted
