"""examples/full_stack.py over real HTTP: helmet's headers, CORS for the
partner origins, compression of the API and of static files, ETags and 304s."""

from __future__ import annotations

import gzip
from pathlib import Path

from examples.full_stack import ITEMS, PUBLIC, app, create_app
from koa.core.testing import ClientFor

PARTNER = "https://partner.example"
GZIP = {"Accept-Encoding": "gzip"}


async def test_full_stack_serves_the_page_with_helmets_headers(client: ClientFor) -> None:
    reply = await (await client(app)).get("/", headers=GZIP)
    assert reply.status == 200
    assert reply.body == (PUBLIC / "index.html").read_bytes()  # under 1 KiB: not compressed
    assert "default-src 'self'" in reply.headers["Content-Security-Policy"]
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert reply.headers["X-Frame-Options"] == "SAMEORIGIN"


async def test_full_stack_compresses_a_static_file(client: ClientFor) -> None:
    reply = await (await client(app)).get("/app.css", headers=GZIP)
    assert reply.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(reply.body) == (PUBLIC / "app.css").read_bytes()
    assert reply.headers["Content-Type"] == "text/css; charset=utf-8"
    assert "Accept-Encoding" in reply.headers["Vary"]


async def test_full_stack_streams_a_large_static_file_compressed(
    client: ClientFor, tmp_path: Path
) -> None:
    big = b"".join(b"<p>paragraph %d</p>\n" % i for i in range(10_000))  # 200 KB: sent from disk
    (tmp_path / "big.html").write_bytes(big)
    reply = await (await client(create_app(tmp_path))).get("/big.html", headers=GZIP)
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.headers["Transfer-Encoding"] == "chunked"
    assert gzip.decompress(reply.body) == big


async def test_full_stack_sends_javascript_as_text_javascript(client: ClientFor) -> None:
    reply = await (await client(app)).get("/app.js")
    assert reply.headers["Content-Type"] == "text/javascript; charset=utf-8"


async def test_full_stack_api_answers_json_with_an_etag(client: ClientFor) -> None:
    reply = await (await client(app)).get("/api/items", headers=GZIP)
    assert reply.status == 200
    assert reply.json() == ITEMS
    assert "Content-Encoding" not in reply.headers  # under the 1 KiB threshold
    assert reply.headers["ETag"].startswith('"')


async def test_full_stack_api_answers_a_revalidation_with_304(client: ClientFor) -> None:
    c = await client(app)
    first = await c.get("/api/items/3")
    again = await c.get("/api/items/3", headers={"If-None-Match": first.headers["ETag"]})
    assert first.json() == ITEMS[2]
    assert (again.status, again.body) == (304, b"")


async def test_full_stack_static_files_are_revalidated_too(client: ClientFor) -> None:
    c = await client(app)
    first = await c.get("/app.css")
    again = await c.get("/app.css", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304


async def test_full_stack_compresses_the_report_with_brotli_when_accepted(
    client: ClientFor,
) -> None:
    c = await client(app)
    reply = await c.get("/api/report", headers={"Accept-Encoding": "gzip, br"})
    assert reply.headers["Content-Encoding"] in ("br", "gzip")  # br with the brotli extra
    plain = await c.get("/api/report", headers={"Accept-Encoding": "identity"})
    assert len(reply.body) * 4 < len(plain.body)
    assert plain.json()["rows"][0] == {**ITEMS[0], "week": 1}


async def test_full_stack_lets_a_partner_call_the_api_with_credentials(
    client: ClientFor,
) -> None:
    reply = await (await client(app)).get("/api/items", headers={"Origin": PARTNER})
    assert reply.headers["Access-Control-Allow-Origin"] == PARTNER
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in reply.headers["Vary"]


async def test_full_stack_gives_other_origins_no_cors_headers(client: ClientFor) -> None:
    reply = await (await client(app)).get("/api/items", headers={"Origin": "https://evil.example"})
    assert reply.status == 200
    assert "Access-Control-Allow-Origin" not in reply.headers


async def test_full_stack_answers_a_partners_preflight(client: ClientFor) -> None:
    reply = await (await client(app)).options(
        "/api/items",
        headers={"Origin": PARTNER, "Access-Control-Request-Method": "GET"},
    )
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Origin"] == PARTNER
    assert reply.headers["Access-Control-Max-Age"] == "600"
    assert "GET" in reply.headers["Access-Control-Allow-Methods"]


async def test_full_stack_answers_a_missing_item_with_404(client: ClientFor) -> None:
    reply = await (await client(app)).get("/api/items/999")
    assert (reply.status, reply.text) == (404, "no item 999")


async def test_full_stack_survives_hostile_validators_and_codings(client: ClientFor) -> None:
    c = await client(app)
    for headers in (
        {"If-None-Match": 'W/"', "Accept-Encoding": "gzip;q=NaN, br;q=-1"},
        {"If-None-Match": ",,,", "Accept-Encoding": "identity;q=0"},
        {"Origin": "null", "Accept-Encoding": ",".join(["x"] * 2000)},
    ):
        reply = await c.get("/api/report", headers=headers)
        assert reply.status == 200, headers
