"""The path-to-regexp 8 port: syntax, errors, generated regexes, URL building
(parameter decoding is koa.core.http.safe_decode_uri_component, §3.2)."""

from __future__ import annotations

import pytest

from koa.router import PathError, Router
from koa.router._path import (
    Group,
    Param,
    Text,
    Wildcard,
    build_path,
    compile_path,
    encode_uri_component,
    escape_text,
    has_params,
    literal_text,
    parse,
)


def groups(path: str, url: str, **options: bool) -> list[str | None] | None:
    regexp, _, _ = compile_path(path, **options)
    found = regexp.match(url)
    return list(found.groups()) if found else None


def test_path_parse_tokens() -> None:
    assert parse("/users/:id") == (Text("/users/"), Param("id"))
    assert parse("/files/*path") == (Text("/files/"), Wildcard("path"))
    assert parse("/user{/:id}") == (Text("/user"), Group((Text("/"), Param("id"))))
    assert parse('/:"my-name"') == (Text("/"), Param("my-name"))
    assert parse(r"/a\:b\*c") == (Text("/a:b*c"),)
    assert parse("/:$x_1") == (Text("/"), Param("$x_1"))


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/a+b", "Unexpected + at index 2: /a+b"),
        (r"/u/:id(\d+)", r"Unexpected ( at index 6: /u/:id(\d+)"),
        ("/a?", "Unexpected ? at index 2"),
        ("/a!", "Unexpected ! at index 2"),
        ("/[a]", "Unexpected [ at index 1"),
        ("/a}", "Unexpected } at index 2"),
        ("/a{b", "Unexpected end at index 4, expected }"),
        ("/:", "Missing parameter name at index 2"),
        ("/*", "Missing parameter name at index 2"),
        ('/:"ab', "Unterminated quote at index 2"),
        ("/a\\", "Unexpected end after \\ at index 3"),
        ("/:a:b", 'Missing text before "b" param'),
        ("/*a*b", 'Missing text before "b" wildcard'),
    ],
)
def test_path_syntax_errors_name_the_character_and_index(path: str, message: str) -> None:
    """R052"""
    with pytest.raises(PathError) as info:
        compile_path(path)
    assert message in str(info.value)
    assert "https://git.new/pathToRegexpError" in str(info.value)


def test_path_reserved_characters_are_rejected_at_registration() -> None:
    """R052"""

    async def handler(ctx: object, next: object) -> None:
        pass

    router = Router()
    with pytest.raises(PathError, match=r"Unexpected \+ at index 2"):
        router.get("/a+b", handler)
    with pytest.raises(PathError, match=r"Unexpected \( at index 6"):
        router.get(r"/u/:id(\d+)", handler)
    assert router.stack == []


def test_path_error_is_a_value_error() -> None:
    """An invalid path is a bad value: ``except ValueError`` catches it."""

    async def handler(ctx: object, next: object) -> None:
        pass

    with pytest.raises(ValueError, match=r"Unexpected \+ at index 2"):
        Router().get("/a+b", handler)
    assert not issubclass(PathError, TypeError)


def test_path_param_matches_one_segment() -> None:
    assert groups("/users/:id", "/users/7") == ["7"]
    assert groups("/users/:id", "/users/7/x") is None
    assert groups("/users/:id", "/users/") is None


def test_path_wildcard_matches_across_segments() -> None:
    assert groups("/files/*path", "/files/a/b/c.txt") == ["a/b/c.txt"]
    assert groups("/files/*path", "/files") is None


def test_path_optional_groups_expand_with_then_without() -> None:
    assert groups("/user{/:id}", "/user") == [None]
    assert groups("/user{/:id}", "/user/7") == ["7"]
    assert groups("/resources/:id{.:ext}", "/resources/10.json") == ["10", "json", None]
    assert groups("/resources/:id{.:ext}", "/resources/10") == [None, None, "10"]


def test_path_params_in_one_segment_backtrack_on_the_text_between() -> None:
    assert groups("/f/:name.:ext", "/f/a.b.json") == ["a.b", "json"]
    assert groups("/:a-:b-:c", "/x-y-z") == ["x", "y", "z"]


def test_path_trailing_slash_optional_unless_trailing_false() -> None:
    assert groups("/info", "/info/") == []
    assert groups("/info", "/info/", trailing=False) is None


def test_path_case_insensitive_unless_sensitive() -> None:
    assert groups("/Users", "/USERS") == []
    assert groups("/Users", "/users", sensitive=True) is None


def test_path_end_false_matches_a_prefix_at_a_segment_boundary() -> None:
    assert groups("/api", "/api/y", end=False) == []
    assert groups("/api", "/api", end=False) == []
    assert groups("/api", "/apix", end=False) is None


def test_path_end_does_not_accept_a_final_newline() -> None:
    assert groups("/info", "/info\n") is None


def test_path_too_many_optional_groups_is_an_error() -> None:
    with pytest.raises(PathError, match="Too many path combinations"):
        compile_path("/a" + "{/x}" * 9)


def test_path_helpers() -> None:
    assert has_params("/:a") and has_params("{/*rest}") and not has_params("/a{/b}")
    assert not has_params("")
    assert literal_text(r"/a\:b") == "/a:b"
    assert literal_text("/a{/b}") is None
    assert parse(escape_text("/a:b*c{d}(e)\\")) == (Text("/a:b*c{d}(e)\\"),)


def test_path_build_fills_params_and_drops_incomplete_groups() -> None:
    tokens = parse("/users/:id{/:tab}")
    assert build_path(tokens, {"id": "a b"}) == "/users/a%20b"
    assert build_path(tokens, {"id": "1", "tab": "x"}) == "/users/1/x"
    with pytest.raises(TypeError, match="Missing parameters: id"):
        build_path(tokens, {})
    wild = parse("/files/*path")
    assert build_path(wild, {"path": ["a b", "c"]}) == "/files/a%20b/c"
    assert build_path(wild, {"path": "a/b c"}) == "/files/a/b%20c"
    with pytest.raises(TypeError, match="non-empty array"):
        build_path(wild, {"path": []})


def test_path_encode_uri_component_matches_javascript() -> None:
    assert encode_uri_component("a b&c/d?e=f") == "a%20b%26c%2Fd%3Fe%3Df"
    assert encode_uri_component("-_.!~*'()") == "-_.!~*'()"
    assert encode_uri_component("é") == "%C3%A9"
