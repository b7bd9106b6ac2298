"""Content-Security-Policy, as helmet 8 builds it.

Directives are checked when the policy is configured, with helmet's error
messages (as ``ValueError``): names, duplicates, values holding ``;`` or
``,``, keywords and nonces/hashes that should be quoted, a missing
``default-src``. A policy made only of strings becomes one header value at
once; a policy with functions in it (a per-request nonce) is computed per
request, and what the functions return is checked the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Final, TypeAlias

from koa.core import Context

from ._build import Part, check_header_value, js_repr

__all__ = [
    "DANGEROUSLY_DISABLE_DEFAULT_SRC",
    "DirectiveValue",
    "Directives",
    "csp_part",
    "get_default_directives",
]


class _DisableDefaultSrc:
    """The type of :data:`DANGEROUSLY_DISABLE_DEFAULT_SRC`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "DANGEROUSLY_DISABLE_DEFAULT_SRC"


#: Give ``default-src`` this value to send a policy without one (helmet's
#: ``contentSecurityPolicy.dangerouslyDisableDefaultSrc``).
DANGEROUSLY_DISABLE_DEFAULT_SRC: Final = _DisableDefaultSrc()

#: One entry of a directive: a string, or a function of ``ctx`` returning one
#: (called on every request, e.g. for a nonce).
DirectiveValue: TypeAlias = str | Callable[[Context], str]

#: ``{"script-src": ["'self'", nonce], "upgrade-insecure-requests": [], ...}``.
#: A value is a string, an iterable of :data:`DirectiveValue`, ``None``
#: (drop the directive) or :data:`DANGEROUSLY_DISABLE_DEFAULT_SRC`.
Directives: TypeAlias = Mapping[str, "str | Iterable[DirectiveValue] | _DisableDefaultSrc | None"]

_SHOULD_BE_QUOTED: Final = frozenset(
    {
        "none",
        "self",
        "strict-dynamic",
        "report-sample",
        "inline-speculation-rules",
        "unsafe-inline",
        "unsafe-eval",
        "unsafe-hashes",
        "wasm-unsafe-eval",
    }
)
_NAME = re.compile(r"[a-z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?")
_UPPER = re.compile(r"[A-Z]")
_PREFIX = "Content-Security-Policy"


def get_default_directives() -> dict[str, list[str]]:
    """helmet 8's default directives; a new copy on every call."""
    return {
        "default-src": ["'self'"],
        "base-uri": ["'self'"],
        "font-src": ["'self'", "https:", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "script-src": ["'self'"],
        "script-src-attr": ["'none'"],
        "style-src": ["'self'", "https:", "'unsafe-inline'"],
        "upgrade-insecure-requests": [],
    }


def _directive_name(raw: object) -> str:
    if not isinstance(raw, str) or not _NAME.fullmatch(raw):
        hint = ""
        if isinstance(raw, str) and "_" in raw:
            hint = f' (write it with dashes: "{raw.replace("_", "-").lower()}")'
        raise ValueError(f"{_PREFIX} received an invalid directive name {js_repr(raw)}{hint}")
    return _UPPER.sub(lambda match: "-" + match.group(0).lower(), raw)


def _invalid_value(name: str) -> ValueError:
    return ValueError(f"{_PREFIX} received an invalid directive value for {js_repr(name)}")


def _check_value(name: str, value: str) -> None:
    """helmet's two checks of a string entry: no ``;``/``,``, keywords quoted."""
    if ";" in value or "," in value:
        raise _invalid_value(name)
    _check_quoted(name, value)


def _check_quoted(name: str, value: str) -> None:
    if value in _SHOULD_BE_QUOTED or value.startswith(("nonce-", "sha256-", "sha384-", "sha512-")):
        raise ValueError(
            f"{_PREFIX} received an invalid directive value for {js_repr(name)}. "
            f"{js_repr(value)} should be quoted"
        )


def _entries(name: str, raw: object) -> tuple[DirectiveValue, ...]:
    if isinstance(raw, str):
        entries: tuple[object, ...] = (raw,)
    elif isinstance(raw, Iterable) and not isinstance(raw, (bytes, bytearray, Mapping)):
        entries = tuple(raw)
    else:  # False, 0, a number, bytes...: helmet's "invalid directive value"
        raise _invalid_value(name)
    checked: list[DirectiveValue] = []
    for entry in entries:
        if isinstance(entry, str):
            _check_value(name, entry)
            check_header_value(_PREFIX, entry)
            checked.append(entry)
        elif callable(entry):
            checked.append(entry)
        else:
            raise _invalid_value(name)
    return tuple(checked)


def _parse(
    directives: Directives | None, use_defaults: bool
) -> dict[str, tuple[DirectiveValue, ...]]:
    result: dict[str, tuple[DirectiveValue, ...]] = (
        {name: tuple(values) for name, values in get_default_directives().items()}
        if use_defaults
        else {}
    )
    disabled_default_src = False
    seen: set[str] = set()
    if directives is not None and not isinstance(directives, Mapping):
        raise TypeError(f"{_PREFIX}: directives must be a mapping, got {directives!r}")
    for raw_name, raw_value in (directives or {}).items():
        name = _directive_name(raw_name)
        if name in seen:
            raise ValueError(f"{_PREFIX} received a duplicate directive {js_repr(name)}")
        seen.add(name)
        if raw_value is None:
            if name == "default-src":
                raise ValueError(
                    f"{_PREFIX} needs a default-src but it was set to `None`. If you really "
                    "want to disable it, set it to `DANGEROUSLY_DISABLE_DEFAULT_SRC`."
                )
            result.pop(name, None)
            continue
        if raw_value is DANGEROUSLY_DISABLE_DEFAULT_SRC:
            if name != "default-src":
                raise ValueError(
                    f"{_PREFIX}: tried to disable {js_repr(name)} as if it were default-src; "
                    "simply omit the key"
                )
            disabled_default_src = True
            result.pop(name, None)
            continue
        result[name] = _entries(name, raw_value)

    if not result:
        raise ValueError(f"{_PREFIX} has no directives. Either set some or disable the header")
    if "default-src" not in result and not disabled_default_src:
        raise ValueError(
            f"{_PREFIX} needs a default-src but none was provided. If you really want to "
            "disable it, set it to `DANGEROUSLY_DISABLE_DEFAULT_SRC`."
        )
    return result


def _static_value(directives: dict[str, tuple[DirectiveValue, ...]]) -> str | None:
    """The header value when every entry is a string, else ``None``."""
    rendered: list[str] = []
    for name, entries in directives.items():
        strings = [entry for entry in entries if isinstance(entry, str)]
        if len(strings) != len(entries):
            return None
        joined = " ".join(strings)
        rendered.append(f"{name} {joined}" if joined else name)
    return ";".join(rendered)


def _dynamic_value(
    directives: dict[str, tuple[DirectiveValue, ...]],
) -> Callable[[Context], str]:
    items = tuple(directives.items())

    def value(ctx: Context) -> str:
        rendered: list[str] = []
        for name, entries in items:
            text = ""
            for entry in entries:
                if isinstance(entry, str):
                    text += " " + entry
                    continue
                produced = entry(ctx)
                if not isinstance(produced, str):
                    raise TypeError(
                        f"{_PREFIX}: a function in {js_repr(name)} must return a string, "
                        f"got {produced!r}"
                    )
                _check_quoted(name, produced)
                text += " " + produced
            if text:
                if ";" in text or "," in text:
                    raise _invalid_value(name)
                rendered.append(name + text)
            else:
                rendered.append(name)
        return ";".join(rendered)

    return value


def csp_part(directives: Directives | None, use_defaults: bool, report_only: bool) -> Part:
    """The ``Content-Security-Policy`` (or ``-Report-Only``) part."""
    header = f"{_PREFIX}-Report-Only" if report_only else _PREFIX
    parsed = _parse(directives, bool(use_defaults))
    static = _static_value(parsed)
    if static is not None:
        return Part(header, static)
    return Part(header, None, _dynamic_value(parsed))
