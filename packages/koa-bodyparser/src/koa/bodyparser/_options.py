"""Checking the options of :func:`bodyparser` once, at construction."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Mapping
from typing import Final

__all__ = [
    "DEFAULT_TYPES",
    "KINDS",
    "UnsupportedBodyTypeError",
    "check_encoding",
    "check_methods",
    "check_types",
    "parse_limit",
]

#: The body kinds, in the order a request's Content-Type is tested against them.
KINDS: Final = ("json", "form", "text", "xml", "multipart")

DEFAULT_TYPES: Final[Mapping[str, tuple[str, ...]]] = {
    "json": (
        "application/json",
        "application/json-patch+json",
        "application/vnd.api+json",
        "application/csp-report",
        "application/reports+json",
        "application/scim+json",
    ),
    "form": ("application/x-www-form-urlencoded",),
    "text": ("text/plain",),
    "xml": ("text/xml", "application/xml"),
    "multipart": ("multipart/form-data",),
}

_UNITS: Final = {"b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40, "pb": 1 << 50}
_LIMIT = re.compile(r"^\s*((?:-?\d+)?\.?\d+)\s*(b|kb|mb|gb|tb|pb)?\s*$", re.IGNORECASE)


class UnsupportedBodyTypeError(ValueError):
    """An unknown body kind in ``enable_types`` or ``extend_types``, or a
    malformed ``extend_types`` entry (raised by :func:`bodyparser`)."""


def parse_limit(name: str, value: int | str) -> int:
    """A byte limit from an int or a string such as ``"56kb"``, ``"1.5mb"``
    or ``"100"`` (units are powers of 1024, as in the ``bytes`` package)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"{name} must be an int or a string such as '1mb', not {value!r}")
    if isinstance(value, int):
        limit = value
    else:
        match = _LIMIT.match(value)
        if match is None:
            raise ValueError(f"{name}: cannot read {value!r} as a size (try '100kb' or '1mb')")
        number, unit = match.groups()
        limit = int(float(number) * _UNITS[(unit or "b").lower()])
    if limit < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return limit


def check_types(
    enable_types: Iterable[str], extend_types: Mapping[str, Iterable[str]] | None
) -> dict[str, tuple[str, ...]]:
    """The media types of each enabled kind (defaults plus extensions)."""
    if isinstance(enable_types, str):
        raise UnsupportedBodyTypeError(
            f"enable_types must be a list of kinds, such as ['{enable_types}'], not a string"
        )
    enabled = list(enable_types)
    for kind in enabled:
        if kind not in KINDS:
            raise UnsupportedBodyTypeError(
                f"unsupported body type {kind!r} in enable_types; use {', '.join(KINDS)}"
            )
    extended: dict[str, tuple[str, ...]] = {}
    for kind, types in (extend_types or {}).items():
        if kind not in KINDS:
            raise UnsupportedBodyTypeError(
                f"unsupported body type {kind!r} in extend_types; use {', '.join(KINDS)}"
            )
        if isinstance(types, str) or not isinstance(types, Iterable):
            raise UnsupportedBodyTypeError(
                f"extend_types[{kind!r}] must be a list of media types, got {types!r}"
            )
        listed = tuple(types)
        for mime in listed:
            if not isinstance(mime, str) or not mime:
                raise UnsupportedBodyTypeError(
                    f"extend_types[{kind!r}] must hold non-empty media type strings, got {mime!r}"
                )
        extended[kind] = listed
    return {kind: DEFAULT_TYPES[kind] + extended.get(kind, ()) for kind in KINDS if kind in enabled}


def check_encoding(encoding: str) -> str:
    """The canonical name of a text encoding Python knows."""
    try:
        return codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise ValueError(f"unknown encoding {encoding!r}") from None


def check_methods(methods: Iterable[str]) -> frozenset[str]:
    """Upper-cased method names."""
    if isinstance(methods, str):
        raise TypeError(f"parsed_methods must be a list of methods, such as ['{methods}']")
    checked = set()
    for method in methods:
        if not isinstance(method, str) or not method:
            raise TypeError(f"parsed_methods must hold method names, got {method!r}")
        checked.add(method.upper())
    return frozenset(checked)
