"""The indexed matcher (Python addition): the trie finds exactly what a linear
scan of every layer finds, in the same order, and its cost does not grow with
the number of routes. No timings here: the benchmark is ``bench/router_match.py``.
"""

from __future__ import annotations

import random
import re
import sys
from typing import Any

from koa.core import Context, Next
from koa.router import Layer, Router
from koa.router._index import Index, _Node, fold


async def noop(ctx: Context, next: Next) -> None:
    await next()


def linear(router: Router[Any], path: str, method: str) -> tuple[list[Layer], list[Layer], bool]:
    """@koa/router's algorithm: try every layer's regex in turn."""
    found = [layer for layer in router.stack if layer.match(path)]
    method = method.upper()
    selected = [layer for layer in found if not layer.methods or method in layer.methods]
    return found, selected, any(layer.methods for layer in selected)


SEGMENTS = ["users", "Users", "api", "v1", "files", "a", "b", "ſ", "é", "K", "x.y", ""]
PATTERN_PARTS = [
    "/users",
    "/Users",
    "/api",
    "/v1",
    "/:id",
    "/:name.:ext",
    "/*rest",
    "{/:opt}",
    "/files{/*path}",
    "/a-:b",
    "/é",
    "/s",
    "/k",
    "/",
    "{.:fmt}",
    "/x.y",
]


def random_pattern(rng: random.Random) -> str:
    return "".join(rng.choice(PATTERN_PARTS) for _ in range(rng.randint(1, 4)))


def random_path(rng: random.Random) -> str:
    path = "/" + "/".join(rng.choice(SEGMENTS) for _ in range(rng.randint(0, 5)))
    if rng.random() < 0.3:
        path = path.upper() if rng.random() < 0.5 else path + "/"
    return path


def random_router(rng: random.Random, depth: int = 0) -> Router[Any]:
    prefix = rng.choice([None, None, "/api", "/:tenant", "/v1/", "/Users"])
    router: Router[Any] = Router(
        prefix=prefix, sensitive=rng.random() < 0.3, strict=rng.random() < 0.3
    )
    for _ in range(rng.randint(1, 12)):
        roll = rng.random()
        try:
            if roll < 0.55:
                verb = rng.choice([router.get, router.post, router.all, router.head])
                verb(random_pattern(rng), noop)
            elif roll < 0.65:
                router.use(noop)
            elif roll < 0.75:
                router.use(rng.choice(["", "/", "/api", "/:id", "/files"]), noop)
            elif roll < 0.8:
                router.get(re.compile(rng.choice([r"^/api/(\w+)", r"/users", r"\.y$"])), noop)
            elif roll < 0.9 and depth < 2:
                mount = rng.choice([None, "/v1", "/:ver", "/api"])
                child = random_router(rng, depth + 1).routes()
                router.use(mount, child) if mount else router.use(child)
            else:
                router.prefix(rng.choice(["/api", "/:tenant", "/x/"]))
        except Exception as err:  # a random pattern may be invalid path syntax
            assert type(err).__name__ == "PathError", err
    return router


def test_index_finds_exactly_what_a_linear_scan_finds() -> None:
    rng = random.Random(20240607)
    checked = 0
    for _ in range(200):
        router = random_router(rng)
        for _ in range(40):
            path = random_path(rng)
            method = rng.choice(["GET", "HEAD", "POST", "DELETE"])
            result = router.match(path, method)
            assert (result.path, result.path_and_method, result.route) == linear(
                router, path, method
            ), (path, [layer.path for layer in router.stack])
            checked += 1
    assert checked == 8000


def test_index_candidates_do_not_grow_with_the_route_count() -> None:
    router: Router[Any] = Router()
    for i in range(2_000):
        router.get(f"/r{i}/static", noop).get(f"/r{i}/:id", noop)
    index = router._lookup_index()
    assert [layer.path for layer in index.candidates("/r1500/static")] == [
        "/r1500/static",
        "/r1500/:id",
    ]
    assert [layer.path for layer in index.candidates("/r1999/42")] == ["/r1999/:id"]
    assert index.candidates("/nope/42") == []


def count_nodes(node: _Node) -> int:
    children = list(node.static.values()) + ([node.param] if node.param else [])
    return 1 + sum(count_nodes(child) for child in children)


def test_index_caches_nothing_per_request_path() -> None:
    router: Router[Any] = Router()
    router.get("/users/:id", noop).use("/api", noop).get(re.compile(r"^/x"), noop)
    index = router._lookup_index()
    assert index._folded is not None
    before = (count_nodes(index._folded), len(index._always), len(index.named))
    rng = random.Random(1)
    for _ in range(2000):
        index.candidates(random_path(rng) + str(rng.random()))
    assert (count_nodes(index._folded), len(index._always), len(index.named)) == before
    assert not hasattr(index, "__dict__")


def test_index_is_rebuilt_when_the_stack_changes() -> None:
    router: Router[Any] = Router()
    router.get("/a", noop)
    assert [layer.path for layer in router.match("/a", "GET").path] == ["/a"]
    router.stack.append(Layer("/b", ["GET"], [noop]))
    assert [layer.path for layer in router.match("/b", "GET").path] == ["/b"]
    router.prefix("/v2")
    assert router.match("/a", "GET").path == []
    assert [layer.path for layer in router.match("/v2/a", "GET").path] == ["/v2/a"]


def test_index_keeps_regex_routes_as_a_fallback_in_order() -> None:
    router: Router[Any] = Router()
    router.get("/users/:id", noop).get(re.compile(r"^/users/\d+$"), noop).get("/users/7", noop)
    found = router.match("/users/7", "GET").path
    assert [layer.path for layer in found] == [
        "/users/:id",
        re.compile(r"^/users/\d+$"),
        "/users/7",
    ]


def test_fold_covers_every_character_re_matches_to_an_ascii_letter() -> None:
    letters = re.compile(r"(?i)[a-z]")
    special = [chr(c) for c in range(0x80, sys.maxunicode + 1) if letters.fullmatch(chr(c))]
    for char in special:
        matched = [x for x in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch("(?i)" + x, char)]
        assert fold(char) in matched, (hex(ord(char)), matched)


def test_index_by_name_keeps_the_first_layer() -> None:
    first, second = Layer("/1", ["GET"], [noop], name="n"), Layer("/2", ["GET"], [noop], name="n")
    assert Index([first, second]).named == {"n": first}


def is_indexed(router: Router[Any]) -> bool:
    return router._index is not None


def test_route_lookup_while_registering_does_not_build_the_index() -> None:
    router: Router[Any] = Router()
    for i in range(50):
        router.get(f"/page{i}", noop, name=f"page{i}")
        router.redirect(f"/old{i}", f"page{i}")
    assert not is_indexed(router)
    assert router.url("page7") == "/page7"
    router.match("/page7", "GET")
    assert is_indexed(router)
    assert router.route("page9") is router.stack[18]


def assert_matches_as_a_scan(router: Router[Any], paths: list[str]) -> None:
    for path in paths:
        for method in ("GET", "POST"):
            result = router.match(path, method)
            assert (result.path, result.path_and_method, result.route) == linear(
                router, path, method
            ), path


def test_a_run_of_single_child_segments_is_crossed_as_a_linear_scan_would() -> None:
    """The trie crosses /a/b/c (each segment the only way on) in one step;
    a path that stops inside the run, leaves it, or goes past it finds what
    a scan of every layer finds."""
    router: Router[Any] = Router()
    router.get("/a/b/c/:id", noop)
    router.get("/a/b/c", noop)
    router.use("/a/b", noop)
    nested: Router[Any] = Router()
    nested.get("/x/y/:z", noop)
    router.use("/a/b/c/:id", nested.routes())
    paths = ["/", "/a", "/a/b", "/A/B/C", "/a/b/c/", "/a/b/c/1", "/a/b/c/1/x/y/2"]
    paths += ["/a/x/c/1", "/a/b/c/1/", "/a/b/c/1/x", "/a//c/1", "/b/c/1"]
    assert_matches_as_a_scan(router, paths)


def test_rest_shaped_routes_are_found_without_the_trie() -> None:
    """Static routes and routes whose params are all in the last segment are
    kept in dict tables: none of them makes a trie node, and lookups with and
    without a trailing slash, in any case, find what a scan finds."""
    router: Router[Any] = Router()
    router.get("/", noop)
    router.get("/health", noop)
    router.get("/users/", noop)
    router.get("/users/:id", noop)
    router.get("/files/:name.:ext", noop)
    router.post("/users/:id", noop)
    strict: Router[Any] = Router(strict=True, sensitive=True)
    strict.get("/Items/:id", noop)
    router.use(strict.routes())
    index = router._lookup_index()
    assert index._folded is None and index._exact is None
    paths = ["/", "//", "/health", "/HEALTH/", "/health//", "/users", "/users/", "/users//"]
    paths += ["/users/7", "/Users/7/", "/users/7//", "/users//7", "/files/a.txt", "/files/a"]
    paths += ["/Items/1", "/items/1", "/Items/1/", "/Items/", "/nope/1"]
    assert_matches_as_a_scan(router, paths)
