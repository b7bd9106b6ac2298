"""The Jinja2 side: the environment, loading off the event loop, the cache,
and turning template errors into messages that name the template line."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2 import meta

from koa.core import is_http_error

from ._errors import TemplateRenderError
from ._resolve import resolve

__all__ = ["TEXT_EXTENSIONS", "Templates"]

#: Plain-text templates: not autoescaped, and answered as text/plain.
TEXT_EXTENSIONS = ("txt", "text")

# Autoescaping is on for every template but plain-text ones: ctx.render()
# answers text/html for them all, whatever the file's extension.
_AUTOESCAPE = jinja2.select_autoescape(
    enabled_extensions=(), disabled_extensions=TEXT_EXTENSIONS, default=True
)


def _source_line(filename: str | None, lineno: int | None) -> str | None:
    if not filename or not lineno or not os.path.isfile(filename):
        return None
    try:
        with open(filename, encoding="utf-8", errors="replace") as source:
            for number, line in enumerate(source, 1):
                if number == lineno:
                    return line.rstrip("\n")
    except OSError:
        return None
    return None


class Templates:
    """Finds, compiles and caches the templates of one ``views()`` root."""

    __slots__ = ("_cache", "_lock", "environment", "extension", "root")

    def __init__(self, root: Path, extension: str, environment: jinja2.Environment | None) -> None:
        self.root = root
        self.extension = extension
        loader = jinja2.FileSystemLoader(root)
        if environment is None:
            self.environment = jinja2.Environment(
                loader=loader,
                autoescape=_AUTOESCAPE,
                enable_async=True,
                auto_reload=False,
            )
        else:
            # The user's settings, filters, globals, tests and extensions, with
            # our loader and async rendering.
            self.environment = environment.overlay(loader=loader, enable_async=True)
        #: normalised name -> compiled template; names are bounded by the files
        #: on disk (a few spellings each), so the cache cannot grow without end.
        self._cache: dict[str, jinja2.Template] = {}
        self._lock = threading.Lock()

    @property
    def reloads(self) -> bool:
        """Whether templates are checked for changes on each render."""
        return bool(self.environment.auto_reload)

    async def get(self, relative: str) -> jinja2.Template:
        """The compiled template for the normalised name *relative*. The first
        load (and, with ``auto_reload``, every one) runs in a worker thread."""
        if not self.reloads:
            cached = self._cache.get(relative)
            if cached is not None:
                return cached
        template = await asyncio.to_thread(self._load, relative)
        if not self.reloads:
            self._cache[relative] = template
        return template

    def _load(self, relative: str) -> jinja2.Template:
        """In a worker thread: resolve the name, compile the template and the
        templates it names statically (extends, include, import), so that
        rendering finds them in Jinja2's cache instead of reading the disk."""
        name, _ = resolve(self.root, relative, self.extension)
        with self._lock:  # Jinja2's cache is not meant for concurrent loads
            try:
                template = self.environment.get_template(name)
                self._preload(name)
            except jinja2.TemplateSyntaxError as err:
                raise TemplateRenderError(
                    f"TemplateSyntaxError: {err.message}",
                    err.name or err.filename,
                    err.lineno,
                    _source_line(err.filename, err.lineno),
                ) from err
        return template

    def _preload(self, name: str) -> None:
        environment, loader = self.environment, self.environment.loader
        assert loader is not None
        pending, seen = [name], set()
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            try:
                source, _, _ = loader.get_source(environment, current)
            except jinja2.TemplateNotFound:
                continue  # reported, if it matters, when the template runs
            for referenced in meta.find_referenced_templates(environment.parse(source)):
                if referenced is None or referenced in seen:
                    continue  # a name computed at run time: loaded when used
                try:
                    environment.get_template(referenced)
                except jinja2.TemplateNotFound:
                    continue
                pending.append(referenced)

    async def render(self, template: jinja2.Template, context: Mapping[str, Any]) -> str:
        """Render with Jinja2's async mode; a failure becomes a
        :class:`TemplateRenderError` naming the template line."""
        try:
            return await template.render_async(context)
        except jinja2.TemplateSyntaxError as err:  # in a template loaded at run time
            raise TemplateRenderError(
                f"TemplateSyntaxError: {err.message}",
                err.name or err.filename,
                err.lineno,
                _source_line(err.filename, err.lineno),
            ) from err
        except jinja2.TemplateNotFound as err:
            raise TemplateRenderError(
                f"TemplateNotFound: {err.message}", *self._where(err.__traceback__)
            ) from err
        except Exception as err:
            if is_http_error(err):
                raise  # ctx.throw() from a template helper keeps its status
            reason = f"{type(err).__name__}: {err}"
            raise TemplateRenderError(reason, *self._where(err.__traceback__)) from err

    def _where(self, tb: TracebackType | None) -> tuple[str | None, int | None, str | None]:
        """The innermost template frame of a traceback Jinja2 rewrote (its
        frames carry the template's file name and line)."""
        root = os.fspath(self.root)
        found: tuple[str | None, int | None, str | None] = (None, None, None)
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.startswith(root + os.sep):
                found = (
                    os.path.relpath(filename, root).replace(os.sep, "/"),
                    tb.tb_lineno,
                    _source_line(filename, tb.tb_lineno),
                )
            tb = tb.tb_next
        return found
