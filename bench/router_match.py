"""Micro-benchmark: koa-router's indexed matching vs a linear regex scan.

    python bench/router_match.py [--quick]

For 10, 100, 1,000 and 10,000 routes, times ``router.match(path, "GET")``
(trie lookup, then each candidate's regex, in registration order) against the
algorithm @koa/router uses: try every layer's regex in turn. Two route sets:
static paths (``/api/v1/res{i}/items``) and parametrised ones
(``/api/v1/res{i}/:id``). Each figure is the best of several runs, in
microseconds per match, averaged over requests for routes spread across the
table.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
import timeit
from collections.abc import Callable
from functools import partial
from typing import Any

from koa.core import Context, Next
from koa.router import Layer, Router

SIZES = (10, 100, 1_000, 10_000)


async def handler(ctx: Context, next: Next) -> None:
    ctx.body = "ok"


def build(kind: str, size: int) -> tuple[Router[Any], list[str]]:
    router: Router[Any] = Router()
    for i in range(size):
        if kind == "static":
            router.get(f"/api/v1/res{i}/items", handler)
        else:
            router.get(f"/api/v1/res{i}/:id", handler)
    rng = random.Random(size)
    targets = [rng.randrange(size) for _ in range(64)]
    if kind == "static":
        paths = [f"/api/v1/res{i}/items" for i in targets]
    else:
        paths = [f"/api/v1/res{i}/{rng.randrange(10**6)}" for i in targets]
    return router, paths


def linear_match(stack: list[Layer], path: str, method: str) -> list[Layer]:
    """@koa/router's ``match()``: every layer's regex, in order."""
    selected = []
    for layer in stack:
        regexp = layer.regexp
        if (
            regexp is not None
            and regexp.match(path)
            and (not layer.methods or method in layer.methods)
        ):
            selected.append(layer)
    return selected


def per_match(fn: Callable[[str], object], paths: list[str], budget: float) -> float:
    """Best time for one match, in microseconds."""

    def run() -> None:
        for path in paths:
            fn(path)

    once = timeit.timeit(run, number=1)
    number = max(1, int(budget / max(once, 1e-9)))
    best = min(timeit.repeat(run, number=number, repeat=5))
    return best / number / len(paths) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    args = parser.parse_args()
    budget = 0.02 if args.quick else 0.2

    print(f"Python {platform.python_version()} on {platform.machine()} ({sys.platform})")
    print(f"{'routes':>8} {'kind':<8} {'indexed µs':>11} {'linear µs':>11} {'build ms':>9}")
    rows: dict[str, dict[int, float]] = {"static": {}, "param": {}}
    for kind in ("static", "param"):
        for size in SIZES:
            router, paths = build(kind, size)
            start = time.perf_counter()
            router.match(paths[0], "GET")  # builds the index once
            build_ms = (time.perf_counter() - start) * 1e3
            assert [layer.path for layer in router.match(paths[0], "GET").path_and_method]
            indexed = per_match(partial(router.match, method="GET"), paths, budget)
            scan = partial(linear_match, router.stack, method="GET")
            linear = per_match(scan, paths, budget / 4)
            rows[kind][size] = indexed
            print(f"{size:>8} {kind:<8} {indexed:>11.2f} {linear:>11.2f} {build_ms:>9.1f}")
    for kind, times in rows.items():
        ratio = times[SIZES[-1]] / times[SIZES[0]]
        print(f"{kind}: {SIZES[-1]:,} routes take {ratio:.2f}x the time of {SIZES[0]} routes")


if __name__ == "__main__":
    main()
