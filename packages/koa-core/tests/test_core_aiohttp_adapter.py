"""koa-core's aiohttp adapter (``koa.core._aiohttp``): the internals it relies
on are checked at import, and without them (a changed aiohttp, or
``KOA_AIOHTTP_PUBLIC_API=1``) requests are read and answered through
aiohttp's public API with the same bytes on the wire."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import koa
from koa.core import _aiohttp

ROOT = Path(__file__).resolve().parents[3]
WIRE_TESTS = Path(__file__).with_name("test_core_wire.py")


def run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "KOA_AIOHTTP_PUBLIC_API"}, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_installed_aiohttp_has_the_shape_the_adapter_knows() -> None:
    assert _aiohttp.SHAPE_OK
    if not _aiohttp.FORCE_PUBLIC_API:
        assert _aiohttp.buffered_response is _aiohttp._fast_buffered_response


def test_the_wire_equality_tests_pass_on_aiohttps_public_api() -> None:
    """test_core_wire.py compares Koa's bytes with web.Response's: run it with
    the adapter on aiohttp's public API."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(WIRE_TESTS)],
        cwd=ROOT,
        env={**os.environ, "KOA_AIOHTTP_PUBLIC_API": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_public_api_mode_is_chosen_at_import_and_logged_once() -> None:
    result = run(
        "import koa.core, koa.core._aiohttp as a\n"
        "print(a.buffered_response is a._public_buffered_response)\n"
        "print(a.request_head)",
        KOA_AIOHTTP_PUBLIC_API="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == [
        "True",
        "operator.attrgetter('raw_path', 'method', 'headers')",
    ]
    assert result.stderr.count("KOA_AIOHTTP_PUBLIC_API is set; responses go through") == 1


FORCED_FALLBACK = """
import asyncio
from aiohttp import ClientSession
from aiohttp.web_request import BaseRequest

# An aiohttp whose request no longer has the _message field koa-core reads.
BaseRequest.ATTRS = BaseRequest.ATTRS - {"_message"}

from koa.core import Koa, _aiohttp
from koa.core.testing import serving

assert not _aiohttp.SHAPE_OK
assert _aiohttp.buffered_response is _aiohttp._public_buffered_response

app = Koa()

async def mw(ctx, next):
    ctx.set("X-Seen", f"{ctx.method} {ctx.url} {ctx.get('X-Probe')} {ctx.protocol}")
    ctx.body = {"ok": True}

app.use(mw)

async def main():
    async with serving(app) as url, ClientSession() as session:
        async with session.get(url + "/a?b=1", headers={"X-Probe": "p"}) as response:
            print(response.status, response.headers["X-Seen"], await response.text())

asyncio.run(main())
"""


def test_an_aiohttp_of_another_shape_is_served_through_its_public_api() -> None:
    result = run(FORCED_FALLBACK)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '200 GET /a?b=1 p http {"ok":true}'
    assert "internals are not the shape koa-core knows" in result.stderr


#: aiohttp's private fields reached through an aiohttp request (``req``,
#: ``request``, ``ctx.req``), its response and protocol internals (also as
#: ``getattr`` strings), and its internal modules.
AIOHTTP_INTERNALS = re.compile(
    r"((^|[^.\w])(req|request)|\.req)\._[a-z]\w*"
    r"|[.'\"]_(compression|eof_sent|reading_paused|payload_writer|transport_\w+|body_payload"
    r"|keep_alive|must_be_empty_body|chunked)\b"
    r"|RawRequestMessage|aiohttp\.(http_writer|web_protocol|http_parser)"
)
ADAPTERS = {"_aiohttp.py", "_protocol.py"}


def test_aiohttp_internals_are_used_only_in_the_adapters() -> None:
    """Every koa.* package installed here (sources or wheels): no module but
    koa-core's two adapters reads aiohttp's private names."""
    sources = [
        path
        for root in koa.__path__
        for path in sorted(Path(root).glob("*/**/*.py"))
        if not (path.name in ADAPTERS and path.parent.name == "core")
    ]
    assert len(sources) > 20
    found = [
        f"{path}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if AIOHTTP_INTERNALS.search(line)
    ]
    assert found == []
