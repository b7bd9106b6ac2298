"""Route path syntax: a port of path-to-regexp 8.4 (the version @koa/router 15.7 uses).

Grammar (``/users/:id``, ``/files/*path``, ``/user{/:id}``)::

    path     = { text | param | wildcard | group }
    param    = ":" name            one segment, never "/"
    wildcard = "*" name            one or more characters, "/" included
    group    = "{" path "}"        optional: expanded into "with" and "without"
    name     = identifier | '"' quoted '"'
    text     = any character but the reserved ones, or "\\" + any character

``( ) [ ] ? + !`` and a stray ``}`` are reserved: a path using them raises
:class:`PathError` when it is registered (custom per-parameter regexes are gone
since path-to-regexp 8; validate values with a param handler instead).

The regex generated for a path follows path-to-regexp's rules exactly (segment
captures exclude the delimiter and the text that follows them in the same
segment, so they cannot backtrack catastrophically), written for Python's ``re``:
``[^]`` becomes ``[\\s\\S]`` and ``$`` becomes ``\\Z`` (``$`` would also match
before a final newline).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias
from urllib.parse import quote

__all__ = [
    "Group",
    "Key",
    "Param",
    "PathError",
    "Text",
    "Token",
    "Wildcard",
    "build_path",
    "compile_path",
    "encode_uri_component",
    "escape_text",
    "flatten",
    "has_params",
    "literal_text",
    "parse",
]

_DELIMITER = "/"
_MAX_COMBINATIONS = 256
_RESERVED = frozenset("}()[]+?!")
_ESCAPE_TEXT = re.compile(r"[{}()\[\]+?!:*\\]")


class PathError(ValueError):
    """A route path that is not valid path syntax (raised at registration):
    a bad value, so a :class:`ValueError` (path-to-regexp throws a
    ``TypeError``)."""

    def __init__(self, message: str, path: str | None) -> None:
        text = message
        if path:
            text += f": {path}"
        text += "; visit https://git.new/pathToRegexpError for info"
        super().__init__(text)
        self.path = path


@dataclass(frozen=True, slots=True)
class Text:
    """Literal text."""

    value: str


@dataclass(frozen=True, slots=True)
class Param:
    """``:name``: one or more characters of one segment."""

    name: str


@dataclass(frozen=True, slots=True)
class Wildcard:
    """``*name``: one or more characters, across segments."""

    name: str


@dataclass(frozen=True, slots=True)
class Group:
    """``{...}``: an optional part."""

    tokens: tuple[Token, ...]


Key: TypeAlias = Param | Wildcard
Token: TypeAlias = Text | Param | Wildcard | Group
Flat: TypeAlias = tuple[Text | Param | Wildcard, ...]


def _id_start(char: str) -> bool:
    return char == "$" or char == "_" or char.isidentifier()


def _id_continue(char: str) -> bool:
    return char in "$\u200c\u200d" or ("a" + char).isidentifier()


def parse(path: str) -> tuple[Token, ...]:
    """Tokenize *path*; raise :class:`PathError` on invalid syntax."""
    length = len(path)
    index = 0

    def until(end: str) -> tuple[Token, ...]:
        nonlocal index
        output: list[Token] = []
        text: list[str] = []

        def flush() -> None:
            if text:
                output.append(Text("".join(text)))
                text.clear()

        while index < length:
            char = path[index]
            index += 1
            if char == end:
                flush()
                return tuple(output)
            if char == "\\":
                if index == length:
                    raise PathError(f"Unexpected end after \\ at index {index}", path)
                text.append(path[index])
                index += 1
                continue
            if char == ":" or char == "*":
                name = _read_name()
                flush()
                output.append(Param(name) if char == ":" else Wildcard(name))
                continue
            if char == "{":
                flush()
                output.append(Group(until("}")))
                continue
            if char in _RESERVED:
                raise PathError(f"Unexpected {char} at index {index - 1}", path)
            text.append(char)
        if end:
            raise PathError(f"Unexpected end at index {index}, expected {end}", path)
        flush()
        return tuple(output)

    def _read_name() -> str:
        nonlocal index
        name: list[str] = []
        if index < length and _id_start(path[index]):
            name.append(path[index])
            index += 1
            while index < length and _id_continue(path[index]):
                name.append(path[index])
                index += 1
        elif index < length and path[index] == '"':
            quote_start = index
            index += 1
            while index < length:
                char = path[index]
                index += 1
                if char == '"':
                    quote_start = -1
                    break
                if char == "\\" and index < length:
                    char = path[index]
                    index += 1
                name.append(char)
            if quote_start >= 0:
                raise PathError(f"Unterminated quote at index {quote_start}", path)
        if not name:
            raise PathError(f"Missing parameter name at index {index}", path)
        return "".join(name)

    return until("")


def flatten(tokens: Sequence[Token], path: str | None = None) -> Iterator[Flat]:
    """Every token sequence *tokens* can stand for, optional groups expanded
    (with the group first, then without it); at most 256."""
    for count, sequence in enumerate(_expand(tokens, 0, ())):
        if count >= _MAX_COMBINATIONS:
            raise PathError("Too many path combinations", path)
        yield sequence


def _expand(tokens: Sequence[Token], index: int, prefix: Flat) -> Iterator[Flat]:
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if isinstance(token, Group):
            for sequence in _expand(token.tokens, 0, prefix):
                yield from _expand(tokens, index, sequence)
            continue
        prefix = (*prefix, token)
    yield prefix


def _escape(text: str) -> str:
    return re.escape(text)


def _negate(first: str, second: str) -> str:
    """A one-character class refusing the start of *first* and *second*."""
    if len(second) > len(first):
        first, second = second, first
    if first == second:
        second = ""
    if len(second) > 1:
        return rf"(?:(?!{_escape(first)}|{_escape(second)})[\s\S])"
    if len(first) > 1:
        tail = f"[^{_escape(second)}]" if second else r"[\s\S]"
        return rf"(?:(?!{_escape(first)}){tail})"
    both = first + second
    return f"[^{_escape(both)}]" if both else r"[\s\S]"


def _sequence_source(tokens: Flat, keys: list[Key], path: str | None) -> str:
    result: list[str] = []
    backtrack = ""
    wildcard_backtrack = ""
    previous = 0  # 0: no capture yet, 1: param, 2: wildcard
    segment = 0  # bit 1: a param in this segment, bit 2: a wildcard
    count = len(tokens)

    def wildcard_later(index: int) -> bool:
        while index < count:
            token = tokens[index]
            index += 1
            if isinstance(token, Wildcard):
                return True
            if isinstance(token, Text) and _DELIMITER in token.value:
                return False
        return False

    def text_after(index: int) -> str:
        text = ""
        while index < count:
            token = tokens[index]
            index += 1
            if not isinstance(token, Text):
                break
            text += token.value
        return text

    for index, token in enumerate(tokens, 1):
        if isinstance(token, Text):
            result.append(_escape(token.value))
            backtrack += token.value
            if previous == 2:
                wildcard_backtrack += token.value
            if _DELIMITER in token.value:
                segment = 0
            continue
        kind = "param" if isinstance(token, Param) else "wildcard"
        if previous and not backtrack:
            raise PathError(f'Missing text before "{token.name}" {kind}', path)
        if isinstance(token, Param):
            if segment & 2:
                source = f"({_negate(_DELIMITER, backtrack)}+)"
            elif wildcard_later(index):
                source = f"({_negate(_DELIMITER, text_after(index))}+)"
            elif segment & 1:
                source = f"({_negate(_DELIMITER, backtrack)}+|{_escape(backtrack)})"
            else:
                source = f"({_negate(_DELIMITER, '')}+)"
            previous = 1
        else:
            if segment & 2:
                source = f"({_negate(backtrack, '')}+)"
            elif wildcard_backtrack:
                source = f"({_negate(wildcard_backtrack, '')}+|{_negate(_DELIMITER, '')}+)"
            else:
                source = r"([\s\S]+)"
            wildcard_backtrack = ""
            previous = 2
        segment |= previous
        result.append(source)
        keys.append(token)
        backtrack = ""
    return "".join(result)


def compile_path(
    path: str | Sequence[Token],
    *,
    end: bool = True,
    sensitive: bool = False,
    trailing: bool = True,
) -> tuple[re.Pattern[str], list[Key], list[Flat]]:
    """The regex for *path*, its capture keys (one per group, in order) and
    the expanded token sequences (one per regex alternative).

    ``end``: the path must end there (else a ``/`` or the end must follow);
    ``sensitive``: case-sensitive; ``trailing``: allow one trailing ``/``.
    """
    original = path if isinstance(path, str) else None
    tokens = parse(path) if isinstance(path, str) else tuple(path)
    keys: list[Key] = []
    sequences = list(flatten(tokens, original))
    source = "|".join(_sequence_source(sequence, keys, original) for sequence in sequences)
    pattern = f"^(?:{source})"
    if trailing:
        pattern += r"(?:/\Z)?"
    pattern += r"\Z" if end else r"(?=/|\Z)"
    return re.compile(pattern, 0 if sensitive else re.IGNORECASE), keys, sequences


def has_params(path: str) -> bool:
    """Whether *path* declares any ``:param`` or ``*wildcard``."""
    if not path:
        return False
    return any(
        isinstance(token, (Param, Wildcard)) for seq in flatten(parse(path), path) for token in seq
    )


def literal_text(path: str) -> str | None:
    """The text *path* matches when it is plain text (escapes resolved), else None."""
    tokens = parse(path)
    if all(isinstance(token, Text) for token in tokens):
        return "".join(token.value for token in tokens if isinstance(token, Text))
    return None


def escape_text(text: str) -> str:
    """*text* with every path-syntax character escaped, so it parses as text."""
    return _ESCAPE_TEXT.sub(lambda match: "\\" + match.group(), text)


# -- URL building ------------------------------------------------------------


def encode_uri_component(value: str) -> str:
    """JavaScript's ``encodeURIComponent``: UTF-8 percent-encoding of all but
    ``A-Z a-z 0-9 - _ . ! ~ * ' ( )``."""
    return quote(value, safe="-_.!~*'()")


def build_path(
    tokens: Sequence[Token], params: Mapping[str, str | Sequence[str]], path: str | None = None
) -> str:
    """Fill *tokens* with *params* (path-to-regexp's ``compile``).

    A param value is encoded with :func:`encode_uri_component`; a wildcard takes
    a non-empty list of segments, or a string split on ``/``. An optional group
    is left out when one of its parameters is missing; a missing required one
    raises ``TypeError("Missing parameters: ...")``.
    """
    missing: list[str] = []
    result = _build(tokens, params, missing)
    if missing:
        raise TypeError(f"Missing parameters: {', '.join(missing)}")
    return result


def _build(tokens: Sequence[Token], params: Mapping[str, object], missing: list[str]) -> str:
    output: list[str] = []
    for token in tokens:
        if isinstance(token, Text):
            output.append(token.value)
        elif isinstance(token, Group):
            before = len(missing)
            value = _build(token.tokens, params, missing)
            if len(missing) == before:
                output.append(value)
            else:
                del missing[before:]
        else:
            raw = params.get(token.name)
            if raw is None:
                missing.append(token.name)
            elif isinstance(token, Wildcard):
                output.append(_wildcard_value(token.name, raw))
            elif isinstance(raw, str):
                output.append(encode_uri_component(raw))
            else:
                raise TypeError(f'Expected "{token.name}" to be a string')
    return "".join(output)


def _wildcard_value(name: str, raw: object) -> str:
    parts = raw.split(_DELIMITER) if isinstance(raw, str) else raw
    if not isinstance(parts, (list, tuple)) or not parts:
        raise TypeError(f'Expected "{name}" to be a non-empty array')
    for index, part in enumerate(parts):
        if not isinstance(part, str):
            raise TypeError(f'Expected "{name}/{index}" to be a string')
    return _DELIMITER.join(encode_uri_component(part) for part in parts)
