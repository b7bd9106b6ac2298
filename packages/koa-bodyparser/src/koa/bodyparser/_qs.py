"""``application/x-www-form-urlencoded`` bodies with the semantics of ``qs.parse``.

@koa/bodyparser parses forms with qs (``allowDots: true``), so a form gives
nested data: ``a[b]=1`` and ``a.b=1`` are ``{"a": {"b": "1"}}``, ``c=2&c=3``
and ``c[]=2&c[]=3`` are ``{"c": ["2", "3"]}``, ``d[0]=x`` is ``{"d": ["x"]}``.
The limits that make qs safe on untrusted input are kept: only the first
``parameter_limit`` (1000) pairs are read, nesting stops at ``depth`` (5) and
the rest of the key becomes one literal key, and an index above
``array_limit`` (20) makes a dict with string keys instead of a sparse list.

What differs from qs, on purpose (see the README): only ``__proto__`` keys are
dropped (Python dicts have no prototype; a field named ``constructor`` is
kept); repeated keys give a list whatever its length (qs >= 6.14.1 turns
lists longer than 20 into dicts); every step is linear in the input size.

Algorithm: split the body into at most ``parameter_limit`` pairs; decode each
key and value (``+`` is a space; a malformed ``%`` escape or invalid UTF-8
leaves that string undecoded, like ``decodeURIComponent`` failing in qs);
combine repeated keys into lists; then expand each distinct key into a chain
of segments and merge the small tree it describes into the result, with qs's
merge rules. JavaScript arrays, which may have holes while merging, are
:class:`_Array` until the final compaction turns them into lists.

The pairs are split and decoded by yarl's compiled parser (aiohttp's own for
``request.post()``) whenever its result is provably the one above, and by the
Python parser otherwise (see :func:`_fast_values`); a form whose keys are all
flat skips the merging.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_to_bytes

from koa.core.http import safe_decode_uri_component

query_to_pairs: Any
try:  # yarl: aiohttp's URL library, its compiled form parser
    from yarl import query_to_pairs
except ImportError:  # pragma: no cover - a yarl older than aiohttp 3.14's
    query_to_pairs = None

__all__ = ["parse_form"]

_DOTS = re.compile(r"\.([^.\[]+)")
_GROUP = re.compile(r"\[[^\[\]]*\]")
_INDEX = re.compile(r"0|[1-9][0-9]*")
_PROTO = "__proto__"
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class _Array:
    """A JavaScript array while merging: indexed items, possibly with holes."""

    __slots__ = ("items", "length")

    def __init__(self) -> None:
        self.items: dict[int, Any] = {}
        self.length = 0

    @classmethod
    def of(cls, values: list[Any]) -> _Array:
        array = cls()
        array.items = dict(enumerate(values))
        array.length = len(values)
        return array

    def set(self, index: int, value: Any) -> None:
        self.items[index] = value
        if index >= self.length:
            self.length = index + 1

    def push(self, value: Any) -> None:
        self.items[self.length] = value
        self.length += 1

    def ordered(self) -> list[tuple[int, Any]]:
        return sorted(self.items.items())


def _decode(text: str) -> str:
    """``+`` as a space, then :func:`safe_decode_uri_component`, faster.

    ``unquote_to_bytes`` decodes every escape at once; decoding its bytes as
    UTF-8 fails exactly when one run of escapes is not UTF-8 on its own (a run
    ends next to a whole character, which cannot complete or continue it),
    which is when ``decodeURIComponent`` fails. A ``%`` that does not start an
    escape fails it too: such text is kept as it is, as qs keeps it.
    """
    if "+" in text:
        text = text.replace("+", " ")
    if "%" not in text:
        return text
    if _BAD_ESCAPE.search(text):
        return text
    try:
        return unquote_to_bytes(text).decode("utf-8")
    except UnicodeDecodeError:  # a run of escapes that is not UTF-8
        return text
    except UnicodeEncodeError:  # a lone surrogate in text: the general path
        return safe_decode_uri_component(text)


def _fast_values(text: str, parameter_limit: int) -> tuple[dict[str, Any], bool, bool] | None:
    """:func:`_values` by yarl's compiled parser (what aiohttp's
    ``request.post()`` uses), or ``None`` where its result may differ from
    qs's; then the Python parser answers. yarl splits a pair at its first
    ``=`` and decodes each string, where qs (after reading ``%5B``/``%5D`` as
    brackets) splits at a ``]=`` and keeps a string it cannot decode as it is.
    So ``None`` when:

    * *text* has more pairs than *parameter_limit* (qs ignores the rest);
    * a decoded string holds ``%`` and *text* has no ``%25``: a ``%`` that
      starts no escape, which yarl keeps alone (with ``%25``, a regex looks);
    * a decoded string holds U+FFFD: yarl's replacement for escapes that are
      not UTF-8 (or a real one);
    * a decoded string holds ``]=``: qs may split that pair elsewhere.

    Each test is one pass in C over all the strings joined by ``"\x00"``
    (which cannot form ``]=`` across two strings); one-character tests are
    ``memchr``.
    """
    if query_to_pairs is None:
        return None
    if len(text) >= parameter_limit and text.count("&") >= parameter_limit:
        return None
    escaped_percent = "%25" in text
    if escaped_percent and _BAD_ESCAPE.search(text):
        return None
    pairs: list[tuple[str, str]] = query_to_pairs(text)
    values: dict[str, Any] = dict(pairs)
    repeated = len(values) != len(pairs)
    if repeated:  # a key given twice: dict() kept the last value only
        strings = "\x00".join(map("\x00".join, pairs))
    else:
        strings = "\x00".join(values) + "\x00" + "\x00".join(values.values())
    if (
        (not escaped_percent and "%" in strings)
        or "\ufffd" in strings
        or ("]" in strings and "]=" in strings)
    ):
        return None
    if not repeated:
        keys = "\x00".join(values)
        return values, "[" in keys or "." in keys, False
    return _collect(pairs)


def _slow_pairs(text: str, parameter_limit: int) -> list[tuple[str, str]]:
    if "%5" in text:  # qs reads escaped brackets as brackets
        text = re.sub("%5[Bb]", "[", text)
        text = re.sub("%5[Dd]", "]", text)
    pairs = []
    for part in text.split("&", parameter_limit)[:parameter_limit]:
        bracket_equals = part.find("]=")
        pos = part.find("=") if bracket_equals == -1 else bracket_equals + 1
        if pos == -1:
            pairs.append((_decode(part), ""))
        else:
            pairs.append((_decode(part[:pos]), _decode(part[pos + 1 :])))
    return pairs


def _collect(pairs: list[tuple[str, str]]) -> tuple[dict[str, Any], bool, bool]:
    """Repeated keys combined into arrays: ``(values, nested, repeated)``, where
    *nested* says a key holds ``[`` or ``.`` and *repeated* that an array was
    made."""
    values: dict[str, Any] = {}
    nested = repeated = False
    for key, value in pairs:
        if key in values:
            current = values[key]
            if isinstance(current, _Array):
                current.push(value)
            else:
                values[key] = _Array.of([current, value])
                repeated = True
        else:
            values[key] = value
            if "[" in key or "." in key:
                nested = True
    return values, nested, repeated


def _values(text: str, parameter_limit: int) -> tuple[dict[str, Any], bool, bool]:
    """The first *parameter_limit* pairs, decoded with qs's rules, repeated
    keys combined: ``(values, nested, repeated)`` (see :func:`_collect`)."""
    fast = _fast_values(text, parameter_limit)
    return _collect(_slow_pairs(text, parameter_limit)) if fast is None else fast


def _split_key(key: str, depth: int) -> list[str] | None:
    """The segments of *key* (``a.b[c]`` -> ``["a", "[b]", "[c]"]``); ``None``
    when the pair must be dropped (a ``__proto__`` segment)."""
    if "." in key:
        key = _DOTS.sub(r"[\1]", key)
    groups = _GROUP.finditer(key) if depth > 0 else iter(())
    first = next(groups, None)
    parent = key[: first.start()] if first is not None else key
    if parent == _PROTO:
        return None
    segments = [parent] if parent else []
    group = first
    while group is not None and len(segments) - bool(parent) < depth:
        if group.group()[1:-1] == _PROTO:
            return None
        segments.append(group.group())
        group = next(groups, None)
    if group is not None:
        segments.append("[" + key[group.start() :] + "]")
    return segments


def _build(segments: list[str], leaf: Any, array_limit: int) -> Any:
    """The tree one key describes, built from the leaf up (qs ``parseObject``)."""
    node: _Array | dict[str, Any]
    digits = len(str(array_limit))
    for segment in reversed(segments):
        if segment == "[]":
            # [].concat(leaf): an array leaf is copied with its holes.
            node = _Array()
            if isinstance(leaf, _Array):
                node.items = dict(leaf.items)
                node.length = leaf.length
            else:
                node.push(leaf)
        else:
            bracketed = segment.startswith("[") and segment.endswith("]")
            name = segment[1:-1] if bracketed else segment
            # (the length test first: int() refuses strings of 4300+ digits)
            if (
                bracketed
                and len(name) <= digits
                and _INDEX.fullmatch(name)
                and int(name) < array_limit
            ):
                node = _Array()
                node.set(int(name), leaf)
            else:
                node = {name: leaf}
        leaf = node
    return leaf


def _to_object(array: _Array) -> dict[str, Any]:
    return {str(index): value for index, value in array.ordered()}


def _merge(target: Any, source: Any) -> Any:
    """qs ``utils.merge``: *source* (one key's tree) into *target*."""
    if isinstance(source, str):
        if not source:
            return target
        if isinstance(target, _Array):
            target.push(source)
            return target
        return _Array.of([target, source])
    if not isinstance(target, (dict, _Array)):
        combined = _Array.of([target])
        if isinstance(source, _Array):
            for index, value in source.items.items():
                combined.set(index + 1, value)
            combined.length = source.length + 1
        else:
            combined.push(source)
        return combined
    if isinstance(target, _Array) and isinstance(source, _Array):
        for index, item in source.ordered():
            if index in target.items:
                current = target.items[index]
                if isinstance(current, (dict, _Array)) and isinstance(item, (dict, _Array)):
                    target.items[index] = _merge(current, item)
                else:
                    target.push(item)
            else:
                target.set(index, item)
        return target
    merged: dict[str, Any] = target if isinstance(target, dict) else _to_object(target)
    pairs = (
        ((str(index), value) for index, value in source.ordered())
        if isinstance(source, _Array)
        else source.items()
    )
    for key, value in pairs:
        merged[key] = _merge(merged[key], value) if key in merged else value
    return merged


def _compact(value: Any) -> Any:
    if isinstance(value, _Array):
        return [_compact(item) for _, item in value.ordered()]
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, _Array)):
                value[key] = _compact(item)
    return value


def parse_form(
    text: str, *, depth: int = 5, parameter_limit: int = 1000, array_limit: int = 20
) -> dict[str, Any]:
    """Parse a urlencoded body as ``qs.parse(text, {allowDots: true})`` does."""
    if not text:
        return {}
    values, nested, repeated = _values(text, parameter_limit)
    if not nested:  # every key flat: the values are the result
        values.pop("", None)
        values.pop(_PROTO, None)
        return _compact(values) if repeated else values

    result: dict[str, Any] = {}
    for key, value in values.items():
        if not key:
            continue
        if "[" not in key and "." not in key:
            # The common flat case: one segment, nothing to build.
            if key == _PROTO:
                continue
            result[key] = _merge(result[key], value) if key in result else value
            continue
        segments = _split_key(key, depth)
        if segments is None:
            continue
        result = _merge(result, _build(segments, value, array_limit))
    return _compact(result)  # type: ignore[no-any-return]
