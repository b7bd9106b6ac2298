"""Content negotiation with the semantics of Node's ``negotiator`` and ``accepts``.

Each ``preferred_*`` function returns the acceptable values ordered by quality,
then specificity, then the order of the header, then the order offered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ._mime import accepts_lookup

__all__ = [
    "preferred_charsets",
    "preferred_encodings",
    "preferred_languages",
    "preferred_media_types",
]


@dataclass(slots=True)
class _Spec:
    value: str  # the full value (type/subtype, charset, encoding or language)
    main: str  # media type, or language prefix
    sub: str  # media subtype, or language suffix
    params: dict[str, str]
    q: float
    i: int  # position in the header


@dataclass(slots=True)
class _Priority:
    i: int  # position among the offered values
    o: int  # position of the matching spec in the header
    q: float
    s: int  # specificity


def _split(header: str) -> list[str]:
    """Split on commas that are not inside a quoted string."""
    parts: list[str] = []
    start, quoted = 0, False
    for index, char in enumerate(header):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            parts.append(header[start:index])
            start = index + 1
    parts.append(header[start:])
    return parts


def _quality(text: str) -> float | None:
    try:
        q = float(text)
    except ValueError:
        return None
    return q if q == q else None  # NaN never matches


def _parse_params(raw: str) -> tuple[dict[str, str], float]:
    params: dict[str, str] = {}
    q = 1.0
    for pair in raw.split(";"):
        key, _, value = pair.strip().partition("=")
        key = key.strip().lower()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if key == "q":
            parsed = _quality(value)
            q = parsed if parsed is not None else 0.0
            break
        if key:
            params[key] = value
    return params, q


def _parse_media_range(text: str, index: int) -> _Spec | None:
    text = text.strip()
    full, _, raw_params = text.partition(";")
    main, slash, sub = full.strip().partition("/")
    if not slash or not main or not sub or any(c.isspace() for c in main + sub) or "/" in sub:
        return None
    params, q = _parse_params(raw_params) if raw_params else ({}, 1.0)
    return _Spec(f"{main}/{sub}", main, sub, params, q, index)


def _parse_simple(text: str, index: int) -> _Spec | None:
    value, _, raw_params = text.strip().partition(";")
    value = value.strip()
    if not value or any(c.isspace() for c in value):
        return None
    _, q = _parse_params(raw_params) if raw_params else ({}, 1.0)
    main, _, sub = value.partition("-")
    return _Spec(value, main, sub, {}, q, index)


def _parse(header: str, parser: Callable[[str, int], _Spec | None]) -> list[_Spec]:
    specs: list[_Spec] = []
    for part in _split(header):
        spec = parser(part, len(specs))
        if spec is not None:
            specs.append(spec)
    return specs


def _sort_key(p: _Priority) -> tuple[float, int, int, int]:
    return (-p.q, -p.s, p.o, p.i)


def _negotiate(
    specs: list[_Spec],
    provided: Sequence[str] | None,
    specify: Callable[[str, _Spec, int], _Priority | None],
) -> list[str]:
    if provided is None:
        accepted = sorted((s for s in specs if s.q > 0), key=lambda s: (-s.q, s.i))
        return [s.value for s in accepted]
    priorities: list[_Priority] = []
    for index, value in enumerate(provided):
        best = _Priority(index, -1, 0.0, 0)
        for spec in specs:
            p = specify(value, spec, index)
            if p is not None and (best.s - p.s or best.q - p.q or best.o - p.o) < 0:
                best = p
        priorities.append(best)
    ordered = sorted((p for p in priorities if p.q > 0), key=_sort_key)
    return [provided[p.i] for p in ordered]


def _specify_media(value: str, spec: _Spec, index: int) -> _Priority | None:
    offered = _parse_media_range(value, 0)
    if offered is None:
        return None
    s = 0
    if spec.main.lower() == offered.main.lower():
        s |= 4
    elif spec.main != "*":
        return None
    if spec.sub.lower() == offered.sub.lower():
        s |= 2
    elif spec.sub != "*":
        return None
    if spec.params:
        if all(
            v == "*" or v.lower() == offered.params.get(k, "").lower()
            for k, v in spec.params.items()
        ):
            s |= 1
        else:
            return None
    return _Priority(index, spec.i, spec.q, s)


def _specify_simple(value: str, spec: _Spec, index: int) -> _Priority | None:
    if spec.value.lower() == value.lower():
        return _Priority(index, spec.i, spec.q, 1)
    if spec.value != "*":
        return None
    return _Priority(index, spec.i, spec.q, 0)


def _specify_language(value: str, spec: _Spec, index: int) -> _Priority | None:
    offered = _parse_simple(value, 0)
    if offered is None:
        return None
    full, prefix = offered.value.lower(), offered.main.lower()
    if spec.value.lower() == full:
        s = 4
    elif spec.main.lower() == full:
        s = 2
    elif spec.value.lower() == prefix:
        s = 1
    elif spec.value == "*":
        s = 0
    else:
        return None
    return _Priority(index, spec.i, spec.q, s)


def preferred_media_types(header: str | None, provided: Sequence[str] | None = None) -> list[str]:
    """Media types from an Accept header (``None`` means ``*/*``)."""
    specs = _parse("*/*" if header is None else header, _parse_media_range)
    return _negotiate(specs, provided, _specify_media)


def preferred_charsets(header: str | None, provided: Sequence[str] | None = None) -> list[str]:
    """Charsets from an Accept-Charset header (``None`` means ``*``)."""
    specs = _parse("*" if header is None else header, _parse_simple)
    return _negotiate(specs, provided, _specify_simple)


def preferred_languages(header: str | None, provided: Sequence[str] | None = None) -> list[str]:
    """Languages from an Accept-Language header (``None`` means ``*``)."""
    specs = _parse("*" if header is None else header, _parse_simple)
    return _negotiate(specs, provided, _specify_language)


def preferred_encodings(header: str | None, provided: Sequence[str] | None = None) -> list[str]:
    """Encodings from an Accept-Encoding header; ``identity`` is acceptable unless
    refused (``identity;q=0`` or ``*;q=0``), at the lowest non-zero quality the
    header gives (negotiator's rule: ``gzip;q=0`` still accepts ``identity``)."""
    specs = _parse(header or "", _parse_simple)
    if not any(s.value.lower() == "identity" or s.value == "*" for s in specs):
        lowest = min([1.0, *(s.q or 1.0 for s in specs)])
        specs.append(_Spec("identity", "identity", "", {}, lowest, len(specs)))
    return _negotiate(specs, provided, _specify_simple)


def accepts_types(header: str | None, types: Sequence[str]) -> list[str] | str | bool:
    """The ``accepts`` package's ``types()``: the best of *types* (in the caller's
    spelling, extensions allowed), all accepted types when *types* is empty, or
    ``False``."""
    if not types:
        return preferred_media_types(header)
    if not header:
        return types[0]
    mimes = [t if "/" in t else accepts_lookup(t) for t in types]
    valid = [m for m in mimes if m is not None and _parse_media_range(m, 0) is not None]
    best = preferred_media_types(header, valid)
    if not best:
        return False
    return types[mimes.index(best[0])]
