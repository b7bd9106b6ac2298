"""Content negotiation: ``ctx.accepts``, ``accepts_encodings``,
``accepts_charsets`` and ``accepts_languages``.

Ported from Koa's ``__tests__/request/{accept,accepts,acceptsCharsets,
acceptsEncodings,acceptsLanguages}.test.js`` (K146a-K154). Koa's replaceable
``ctx.accept`` object has no port: negotiation reads the headers each time, so
replacing ``ctx.request.headers`` is the way to change it.
"""

from __future__ import annotations

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, create_context

MIXED = "application/*;q=0.2, image/jpeg;q=0.8, text/html, text/plain"


def test_replacing_the_headers_changes_negotiation() -> None:
    """K146a"""
    ctx = create_context(headers={"Accept": "text/plain"})
    assert ctx.accepts() == ["text/plain"]
    ctx.request.headers = {"Accept": MIXED}
    assert ctx.accepts() == ["text/html", "text/plain", "image/jpeg", "application/*"]


def test_accepts_without_arguments_lists_types_by_quality() -> None:
    """Accepts without arguments lists types by quality (K147)."""
    ctx = create_context(headers={"Accept": MIXED})
    assert ctx.accepts() == ["text/html", "text/plain", "image/jpeg", "application/*"]


def test_accepts_is_false_when_nothing_matches() -> None:
    """Accepts is false when nothing matches (K147)."""
    assert create_context(headers={"Accept": MIXED}).accepts("image/png", "image/tiff") is False


def test_accepts_without_header_takes_the_first_offer() -> None:
    """Accepts without header takes the first offer (K148)."""
    ctx = create_context()
    assert ctx.accepts("text/html", "text/plain", "image/jpeg", "application/*") == "text/html"


@pytest.mark.parametrize(
    ("offer", "expected"),
    [
        ("html", "html"),
        (".html", ".html"),
        ("txt", "txt"),
        (".txt", ".txt"),
        ("png", False),
        ("text/html", "text/html"),
        ("text/plain", "text/plain"),
    ],
)
def test_accepts_answers_in_the_callers_spelling(offer: str, expected: str | bool) -> None:
    """Accepts answers in the callers spelling (K149)."""
    assert create_context(headers={"Accept": "text/plain, text/html"}).accepts(offer) == expected


def test_accepts_a_list_or_several_arguments() -> None:
    """Accepts a list or several arguments (K149)."""
    ctx = create_context(headers={"Accept": "text/plain, text/html"})
    assert ctx.accepts(["png", "text", "html"]) == "text"
    assert ctx.accepts(["png", "html"]) == "html"
    assert ctx.accepts("png", "text", "html") == "text"
    assert ctx.accepts("png", "html") == "html"


@pytest.mark.parametrize("offer", ["text/html", "text/plain", "image/png"])
def test_accepts_with_a_catch_all(offer: str) -> None:
    """Accepts with a catch all (K150)."""
    assert create_context(headers={"Accept": "application/json, */*"}).accepts(offer) == offer


@pytest.mark.parametrize(
    ("offer", "expected"),
    [
        ("text/html", "text/html"),
        ("text/plain", "text/plain"),
        ("image/png", False),
        ("png", False),
    ],
)
def test_accepts_with_a_type_wildcard(offer: str, expected: str | bool) -> None:
    """Accepts with a type wildcard (K151)."""
    ctx = create_context(headers={"Accept": "application/json, text/*"})
    assert ctx.accepts(offer) == expected


def test_accepts_charsets() -> None:
    """Accepts charsets (K152)."""
    ctx = create_context(headers={"Accept-Charset": "utf-8, iso-8859-1;q=0.2, utf-7;q=0.5"})
    assert ctx.accepts_charsets() == ["utf-8", "utf-7", "iso-8859-1"]
    assert ctx.accepts_charsets("utf-7", "utf-8") == "utf-8"
    assert ctx.accepts_charsets("utf-16") is False
    assert ctx.accepts_charsets(["utf-7", "utf-8"]) == "utf-8"


def test_accepts_charsets_without_header() -> None:
    """Accepts charsets without header (K152)."""
    ctx = create_context()
    assert ctx.accepts_charsets("utf-7", "utf-8") == "utf-7"
    assert ctx.accepts_charsets() == ["*"]


def test_accepts_encodings() -> None:
    """Accepts encodings (K153)."""
    ctx = create_context(headers={"Accept-Encoding": "gzip, compress;q=0.2"})
    assert ctx.accepts_encodings() == ["gzip", "compress", "identity"]
    assert ctx.accepts_encodings("gzip", "compress") == "gzip"
    assert ctx.accepts_encodings("compress", "gzip") == "gzip"
    assert ctx.accepts_encodings(["compress", "gzip"]) == "gzip"


def test_accepts_encodings_without_header_is_identity() -> None:
    """Accepts encodings without header is identity (K153)."""
    ctx = create_context()
    assert ctx.accepts_encodings() == ["identity"]
    assert ctx.accepts_encodings("gzip", "deflate", "identity") == "identity"


def test_identity_can_be_refused() -> None:
    """K153 (``identity;q=0``)"""
    ctx = create_context(headers={"Accept-Encoding": "gzip, identity;q=0"})
    assert ctx.accepts_encodings() == ["gzip"]
    assert ctx.accepts_encodings("identity") is False


async def test_any_coding_prefers_the_first_offered_over_identity(client: ClientFor) -> None:
    """Issue 17, item 8: ``*`` covers ``identity`` too, so it is not added
    as an exact (more specific) match; negotiator's order wins."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = {"best": ctx.accepts_encodings("br", "identity"), "all": ctx.accepts_encodings()}

    reply = await (await client(Koa().use(mw))).get("/", headers={"Accept-Encoding": "*"})
    assert reply.json() == {"best": "br", "all": ["*"]}


async def test_a_refused_coding_leaves_identity_acceptable(client: ClientFor) -> None:
    """Issue 17, item 8: ``gzip;q=0`` refuses gzip, not identity (negotiator)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = {
            "best": ctx.accepts_encodings("gzip", "identity"),
            "all": ctx.accepts_encodings(),
        }

    reply = await (await client(Koa().use(mw))).get("/", headers={"Accept-Encoding": "gzip;q=0"})
    assert reply.json() == {"best": "identity", "all": ["identity"]}


def test_any_coding_refused_refuses_identity() -> None:
    ctx = create_context(headers={"Accept-Encoding": "*;q=0"})
    assert (ctx.accepts_encodings(), ctx.accepts_encodings("identity")) == ([], False)


def test_accepts_languages() -> None:
    """Accepts languages (K154)."""
    ctx = create_context(headers={"Accept-Language": "en;q=0.8, es, pt"})
    assert ctx.accepts_languages() == ["es", "pt", "en"]
    assert ctx.accepts_languages("es", "en") == "es"
    assert ctx.accepts_languages("fr", "au") is False
    assert ctx.accepts_languages(["es", "en"]) == "es"


def test_accepts_languages_without_header() -> None:
    """Accepts languages without header (K154)."""
    ctx = create_context()
    assert ctx.accepts_languages("es", "en") == "es"
    assert ctx.accepts_languages() == ["*"]


async def test_negotiation_through_http(client: ClientFor) -> None:
    """K149 (through a request)"""

    async def mw(ctx: Context, next: Next) -> None:
        kind = ctx.accepts("json", "html")
        if kind == "json":
            ctx.body = {"ok": True}
        elif kind == "html":
            ctx.body = "<p>ok</p>"
        else:
            ctx.throw(406)

    app = Koa(silent=True)
    app.use(mw)
    c = await client(app)
    assert (await c.get("/", headers={"Accept": "application/json"})).json() == {"ok": True}
    assert (await c.get("/", headers={"Accept": "text/html"})).text == "<p>ok</p>"
    reply = await c.get("/", headers={"Accept": "image/png"})
    assert (reply.status, reply.text) == (406, "Not Acceptable")
