"""Fixtures shared by every package's tests and the integration tests.

At the repo root so that ``pytest packages/koa-router/tests`` picks it up too,
and so does the isolated wheel check (pytest loads conftest.py from the rootdir).
Helpers live in ``koa.core.testing`` (public, shipped in the wheel), not here.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest
from hypothesis import HealthCheck, settings

from koa.core import Koa
from koa.core.testing import Client, ClientFor, Serve, client_for, serving

# Property tests: a fixed, derandomised budget in CI; `hatch run fuzz` selects
# the long profile (HYPOTHESIS_PROFILE=fuzz).
settings.register_profile(
    "ci", derandomize=True, max_examples=150, deadline=None, database=None, print_blob=True
)
settings.register_profile(
    "fuzz", max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """``url = await serve(app)``: the app runs on an ephemeral port until the test ends."""
    async with AsyncExitStack() as stack:

        async def start(app: Koa) -> str:
            return await stack.enter_async_context(serving(app))

        yield start


@pytest.fixture
async def client() -> AsyncIterator[ClientFor]:
    """``c = await client(app)``: serve *app* and get a test Client bound to it."""
    async with AsyncExitStack() as stack:

        async def start(app: Koa) -> Client:
            return await stack.enter_async_context(client_for(app))

        yield start


def pytest_report_header() -> list[str]:
    """Show where each koa.* package was imported from (source tree or wheel)."""
    import importlib
    import pkgutil

    import koa

    return [
        f"{mod.name}: {importlib.import_module(mod.name).__file__}"
        for mod in pkgutil.iter_modules(koa.__path__, "koa.")
    ]
