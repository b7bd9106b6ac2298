"""Errors of ``ctx.render()``.

::

    Exception
     └── ViewsError                 a template could not be rendered (a 500)
          ├── TemplateMissingError  no file for the name; says every path searched
          └── TemplateRenderError   a syntax or runtime error in a template;
                                    says which template and line

None of them is exposed to the client: Koa answers ``500 Internal Server
Error`` and logs the message (with the template line) and the traceback.
A name that points outside the views root is an ``HttpError`` instead
(400 for a malicious name, 403 for a way out of the root), as koa-views does.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["TemplateMissingError", "TemplateRenderError", "ViewsError"]


class ViewsError(Exception):
    """A template could not be rendered: a server error (500, not exposed)."""

    status = 500
    expose = False


class TemplateMissingError(ViewsError, LookupError):
    """``ctx.render(name)`` found no template file; ``searched`` lists the
    absolute paths tried, in order."""

    def __init__(self, name: str, searched: Sequence[str]) -> None:
        self.name = name
        self.searched = list(searched)
        super().__init__(
            f"template {name!r} not found; searched: {', '.join(self.searched)} "
            "(names are relative to the views root; the extension is optional)"
        )


class TemplateRenderError(ViewsError):
    """A template failed to compile or to render. ``template`` is the template
    the error is in (maybe one included or extended by the one rendered),
    ``lineno`` its line, ``line`` the source text of that line."""

    def __init__(
        self, reason: str, template: str | None, lineno: int | None, line: str | None
    ) -> None:
        self.reason = reason
        self.template = template
        self.lineno = lineno
        self.line = line
        where = f"template {template!r}" if template else "a template"
        if lineno is not None:
            where += f", line {lineno}"
            if line:
                where += f": {line.strip()}"
        super().__init__(f"{reason} in {where}")
