"""Router options, match results and events."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Literal, TypeAlias

from ._methods import DEFAULT_METHODS

if TYPE_CHECKING:
    from ._layer import Layer

__all__ = ["HostOption", "MatchResult", "RoutePath", "RouterEvents", "RouterOptions"]

#: A route path: path syntax, a compiled regex, or a list of them (one layer each).
RoutePath: TypeAlias = str | re.Pattern[str] | Sequence[str | re.Pattern[str]]
#: ``host`` option: exact host (port included), any of a list, or a regex.
HostOption: TypeAlias = str | Sequence[str] | re.Pattern[str] | None


class RouterEvents(StrEnum):
    """Router events for :meth:`Router.on`."""

    #: No route matched path and method: the handlers run instead of ``next()``.
    NOT_FOUND = "not-found"


@dataclass(slots=True)
class RouterOptions:
    """A router's options (``router.opts``); see :class:`Router`."""

    prefix: str | None = None
    exclusive: bool | Literal["specificity"] = False
    host: HostOption = None
    methods: list[str] = field(default_factory=lambda: list(DEFAULT_METHODS))
    sensitive: bool = False
    strict: bool = False
    router_path: str | None = None


@dataclass(slots=True)
class MatchResult:
    """What :meth:`Router.match` found for a path and method."""

    #: Layers whose path matched, in registration order.
    path: list[Layer]
    #: Of those, the routes answering the method, and all ``use()`` layers.
    path_and_method: list[Layer]
    #: Whether a route (a layer with methods) matched path and method.
    route: bool
