"""The route template of a request, as koa-router left it on the context.

koa-router (not a dependency: only the attributes it documents are read)
sets ``ctx.route_matched`` and ``ctx.matched_route``, the pattern of the
route that answered, and lists in ``ctx.matched`` every layer whose path
matched. Nested routers are flattened into their parent with the full path,
so their template is already whole. koa-mount, though, strips its prefix from
``ctx.path`` while the mounted app runs and puts it back afterwards: the
router saw ``/users/42`` of ``/api/users/42`` and its template is
``/users/:id``. The prefix is found again from the route's own layer: the
suffix of the path (at a ``/``) that the layer matches with the captures the
router recorded is what the router saw; what comes before it is the prefix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from koa.core import Context

__all__ = ["route_template"]


class _Layer(Protocol):
    # The part of koa-router's public Layer used here.
    path: str | re.Pattern[str]

    def match(self, path: str) -> bool: ...

    def captures(self, path: str) -> list[str | None]: ...


def route_template(ctx: Context) -> str | None:
    """The full route template of the request (``/api/users/:id``), or
    ``None`` when no route matched its path and method."""
    attrs = vars(ctx)
    if attrs.get("route_matched") is not True:
        return None
    template = attrs.get("matched_route")
    if isinstance(template, str):
        text = template
    elif isinstance(template, re.Pattern):
        text = template.pattern
    else:
        return None
    try:
        return _prefix(attrs, template, ctx.path) + text
    except Exception:  # a layer that is not koa-router's: no prefix then
        return text


def _prefix(attrs: dict[str, Any], template: object, path: str) -> str:
    layers: Sequence[_Layer] = attrs.get("matched") or ()
    layer = next((each for each in reversed(layers) if each.path is template), None)
    if layer is None:
        return ""
    captures = attrs.get("captures")
    if captures and layer.captures(path) == captures:
        return ""  # the usual case: no mount, one regex run
    whole = layer.match(path)
    if whole and layer.captures(path) == captures:
        return ""
    fits: list[int] = []
    cut = path.find("/", 1)
    while cut != -1:
        rest = path[cut:]
        if layer.match(rest):
            if layer.captures(rest) == captures:
                return path[:cut]
            fits.append(cut)
        cut = path.find("/", cut + 1)
    # The captures changed after the route ran (a later layer was entered):
    # a single suffix that fits is still unambiguous.
    if not whole and len(fits) == 1:
        return path[: fits[0]]
    return ""
