"""Property tests of koa-router's path syntax and matching.

Any path string against any compiled route pattern either matches or not,
and never raises; the indexed lookup finds exactly what a scan of every
layer finds; ``router.url(name, params)`` then matching gives back the same
params; a malformed escape in a request path is kept as written, never a 500.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from koa.core import Koa, Next
from koa.core.http import safe_decode_uri_component
from koa.router import Router, RouterContext
from koa.router._layer import Layer
from koa.router._path import PathError
from scripts.fuzz_server import raw_exchange, serve_in_thread


async def handler(ctx: RouterContext, next: Next) -> None:
    ctx.body = {"params": ctx.params}


pattern_pieces = st.sampled_from(
    ["/", "/", ":a", ":b", "*w", "{", "}", "{/:c}", "x", "-", ".", "\\", "\\:", "é", "%", "(",
     "?", ':"q q"', "*", ":", "users", "USERS", "%2F", "İ", "ſ", "K"]
)  # fmt: skip
patterns = st.lists(pattern_pieces, max_size=10).map("".join)
path_pieces = st.sampled_from(
    ["/", "x", "-", ".", "%2F", "%2f", "%", "%zz", "%C3%A9", "%E2%82", "%FF", "é", "X", "users",
     "USERS", "\n", "a", "İ", "i", "ſ", "s", "k", "K", "q q", "//"]
)  # fmt: skip
paths = st.lists(path_pieces, max_size=10).map("".join) | st.text(max_size=20)
flags = st.fixed_dictionaries(
    {"sensitive": st.booleans(), "strict": st.booleans(), "end": st.booleans()}
)


@given(pattern=patterns, path=paths, options=flags)
def test_any_path_against_any_pattern_matches_or_not(
    pattern: str, path: str, options: dict[str, bool]
) -> None:
    try:
        layer = Layer(
            pattern,
            ["GET"],
            handler,
            sensitive=options["sensitive"],
            strict=options["strict"],
            end=options["end"],
        )
    except PathError:
        return
    if layer.match(path):
        params = layer.params(layer.captures(path))
        assert all(isinstance(v, str) for v in params.values())
    else:
        assert layer.captures(path) == []


@given(
    patterns_=st.lists(st.tuples(patterns, st.booleans()), min_size=1, max_size=8),
    options=flags,
    path=paths,
    method=st.sampled_from(["GET", "POST", "HEAD"]),
)
def test_indexed_lookup_finds_what_a_scan_finds(
    patterns_: list[tuple[str, bool]], options: dict[str, bool], path: str, method: str
) -> None:
    router: Router[RouterContext] = Router(sensitive=options["sensitive"], strict=options["strict"])
    for pattern, is_route in patterns_:
        try:
            if is_route:
                router.register(pattern, ["GET"], handler)
            else:
                router.use(pattern, handler)
        except (PathError, TypeError, ValueError):
            continue
    expected = [layer for layer in router.stack if layer.match(path)]
    assert router.match(path, method).path == expected


literal = st.text(
    st.characters(codec="utf-8", exclude_characters="/{}()[]+?!:*\\"),
    min_size=1,
    max_size=6,
)
segment = st.one_of(
    literal.map(lambda s: ("text", s)), st.sampled_from(["a", "b", "c"]).map(lambda n: ("param", n))
)
values = st.text(st.characters(codec="utf-8"), min_size=1, max_size=10)


@given(
    segments=st.lists(segment, min_size=1, max_size=5, unique_by=lambda s: s),
    wildcard=st.booleans(),
    sensitive=st.booleans(),
    data=st.data(),
)
def test_url_then_match_gives_back_the_params(
    segments: list[tuple[str, str]], wildcard: bool, sensitive: bool, data: st.DataObject
) -> None:
    pattern = "".join("/" + (":" + v if kind == "param" else v) for kind, v in segments)
    if wildcard:
        pattern += "/*rest"
    router: Router[RouterContext] = Router(sensitive=sensitive)
    router.get(pattern, handler, name="route")
    params = {v: data.draw(values) for kind, v in segments if kind == "param"}
    if wildcard:
        params["rest"] = "/".join(data.draw(st.lists(values, min_size=1, max_size=3)))
    url = router.url("route", params)
    note(f"{pattern} -> {url}")
    (layer,) = router.match(url, "GET").path
    assert layer.params(layer.captures(url)) == params


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    router: Router[RouterContext] = Router()
    router.get("/users/:id", handler).get("/files/*path", handler).get("/opt{/:a}", handler)
    app = Koa(silent=True)
    app.use(router.routes()).use(router.allowed_methods())
    with serve_in_thread(app) as (_, port):
        yield port


escapes = st.lists(
    st.sampled_from(["%", "%z", "%zz", "%2", "%C3", "%C3%A9", "%E2%82", "%FF", "%25", "a", "%2F"]),
    min_size=1,
    max_size=6,
).map("".join)


@given(value=escapes, route=st.sampled_from(["/users/", "/files/a/", "/opt/"]))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_malformed_escapes_are_kept_as_written_never_a_500(
    server: int, value: str, route: str
) -> None:
    replies, outcome = raw_exchange(
        server, f"GET {route}{value} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    )
    assert replies, outcome
    reply = replies[0]
    assert reply.status == 200, reply.body
    params = reply_json(reply.body)["params"]
    (captured,) = params.values()
    raw = (route + value).split("/", 2)[2] if route == "/files/a/" else value
    assert captured == safe_decode_uri_component(raw)
    if "%" in raw and safe_decode_uri_component(raw) == raw:
        assert captured == raw  # malformed: kept as written


def reply_json(body: bytes) -> dict[str, dict[str, str]]:
    import json

    result: dict[str, dict[str, str]] = json.loads(body)
    return result
