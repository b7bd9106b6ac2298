"""The ``views()`` middleware (koa-views 8, with Jinja2 as the engine)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from koa.core import Context, Middleware, Next

from ._errors import ViewsError
from ._resolve import normalize
from ._templates import TEXT_EXTENSIONS, Templates

__all__ = ["views"]

#: The engine names ``map`` accepts (Jinja2 is the one engine).
ENGINES = frozenset({"jinja2"})


class _Renderer:
    """``ctx.render`` for one request."""

    __slots__ = ("_ctx", "_views")

    def __init__(self, views: _Views, ctx: Context) -> None:
        self._views = views
        self._ctx = ctx

    async def __call__(self, name: str, locals: Mapping[str, Any] | None = None) -> str:
        return await self._views.render(self._ctx, name, locals)


class _Views:
    __slots__ = ("auto_render", "engines", "options", "templates")

    def __init__(
        self,
        templates: Templates,
        engines: Mapping[str, str] | None,
        options: Mapping[str, Any],
        auto_render: bool,
    ) -> None:
        self.templates = templates
        self.engines = engines
        self.options = options
        self.auto_render = auto_render

    async def render(self, ctx: Context, name: str, locals: Mapping[str, Any] | None) -> str:
        if locals is not None and not isinstance(locals, Mapping):
            raise TypeError(f"ctx.render(name, locals): locals must be a mapping, got {locals!r}")
        template = await self.templates.get(normalize(name))
        suffix = Path(template.name or "").suffix.lstrip(".")
        if self.engines is not None and self.engines.get(suffix) not in ENGINES:
            raise ViewsError(f'Engine not found for the ".{suffix}" file extension')
        context = {**self.options, **ctx.state, **(locals or {})}
        html = await self.templates.render(template, context)
        if self.auto_render:
            # A plain-text template is not escaped: never let it be read as HTML.
            ctx.type = "text" if suffix in TEXT_EXTENSIONS else "html"
            ctx.body = html
        return html


def views(
    root: str | os.PathLike[str],
    *,
    extension: str = "html",
    map: Mapping[str, str] | None = None,
    options: Mapping[str, Any] | None = None,
    environment: jinja2.Environment | None = None,
    auto_render: bool = True,
) -> Middleware:
    """Add ``await ctx.render(name, locals=None)``, rendering Jinja2 templates
    found under *root*.

    ``name`` is relative to *root*; the ``extension`` may be left out
    (``"user"`` is ``user.html``) and a directory means its ``index.html``.
    The template sees ``options`` (globals for every template), then
    ``ctx.state``, then ``locals``, each overriding the one before. With
    ``auto_render`` the HTML becomes ``ctx.body`` with ``ctx.type = "html"``
    (``"text"`` for a ``.txt`` template, which is not autoescaped); either way
    ``render`` returns it.

    ``map``: file extension to engine (``{"j2": "jinja2"}``); when given, only
    those extensions may be rendered. ``environment``: a Jinja2
    ``Environment`` whose settings, filters, globals, tests and extensions
    are used (koa-views' ``nunjucksEnv``), with *root* as the loader and async
    rendering on; its ``auto_reload`` (Jinja2's default: on) makes every
    render check the files for changes, in a worker thread.

    Templates are compiled once and cached, loaded in a worker thread (with
    the templates they extend, include or import), and rendered with
    Jinja2's async mode, so they may call coroutine functions. Autoescaping is
    on (but for ``.txt`` templates) in the default environment.

    A missing template is a :class:`TemplateMissingError` naming the paths
    searched; an error in a template is a :class:`TemplateRenderError` naming
    its line. Both are 500s for the client, logged by the app with the
    traceback. If ``ctx.render`` is already set upstream, this middleware
    does nothing (koa-views' rule).
    """
    if not isinstance(auto_render, bool):
        raise TypeError(f"views(auto_render=...) must be True or False, got {auto_render!r}")
    if not isinstance(root, str | os.PathLike):
        raise TypeError(f"views(root): a directory path is needed, got {root!r}")
    root_path = Path(root).resolve()
    if not root_path.is_dir():
        raise ValueError(f"views(root): {os.fspath(root_path)!r} is not a directory")
    if not isinstance(extension, str):
        raise TypeError(f"views(extension=...) must be a str, got {extension!r}")
    extension = extension.removeprefix(".")
    if (
        not extension
        or any(char in extension for char in "/\\\x00")
        or extension.strip() != extension
    ):
        raise ValueError(f"views(extension={extension!r}): give a file extension such as 'html'")
    engines: dict[str, str] | None = None
    if map is not None:
        if not isinstance(map, Mapping):
            raise TypeError(f"views(map=...) must map extensions to engines, got {map!r}")
        engines = {}
        for suffix, engine in map.items():
            if not isinstance(suffix, str) or not isinstance(engine, str):
                raise TypeError(f"views(map=...): {suffix!r}: {engine!r} must be str: str")
            if engine not in ENGINES:
                raise ValueError(
                    f"views(map=...): no engine {engine!r} for '.{suffix}'; "
                    f"the engine is Jinja2: use {sorted(ENGINES)}"
                )
            engines[suffix.removeprefix(".")] = engine
    if options is not None and not isinstance(options, Mapping):
        raise TypeError(f"views(options=...) must map names to template globals, got {options!r}")
    if environment is not None and not isinstance(environment, jinja2.Environment):
        raise TypeError(f"views(environment=...) must be a jinja2.Environment: {environment!r}")
    state = _Views(
        Templates(root_path, extension, environment), engines, dict(options or {}), auto_render
    )

    async def views_middleware(ctx: Context, next: Next) -> Any:
        if getattr(ctx, "render", None) is None:
            ctx.render = _Renderer(state, ctx)  # type: ignore[attr-defined]
        return await next()

    return views_middleware
