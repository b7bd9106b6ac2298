"""``ctx.attachment()``: Content-Disposition, and the type it may set.

Ported from Koa's ``__tests__/response/attachment.test.js`` (K201-K212).
"""

from __future__ import annotations

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, create_context


def disposition(filename: str | None = None, **options: object) -> object:
    ctx = create_context()
    ctx.attachment(filename, **options)  # type: ignore[arg-type]
    return ctx.response.get("Content-Disposition")


@pytest.mark.parametrize("filename", ["malicious.html", "image.svg"])
def test_attachment_keeps_a_type_already_set(filename: str) -> None:
    """K201 (GHSA-c5vw-j4hf-j526: no content sniffing through the file name)"""
    ctx = create_context()
    ctx.type = "application/octet-stream"
    ctx.attachment(filename)
    assert ctx.response.get("Content-Type") == "application/octet-stream"
    assert ctx.response.get("Content-Disposition") == f'attachment; filename="{filename}"'


def test_attachment_sets_the_type_from_the_extension() -> None:
    """Attachment sets the type from the extension (K202)."""
    ctx = create_context()
    ctx.attachment("document.pdf")
    assert ctx.type == "application/pdf"


def test_attachment_uses_the_basename() -> None:
    """Attachment uses the basename (K203)."""
    assert disposition("path/to/tobi.png") == 'attachment; filename="tobi.png"'


def test_attachment_without_name() -> None:
    """Attachment without name (K203)."""
    assert disposition() == "attachment"


def test_attachment_with_non_ascii_name() -> None:
    """Attachment with non ascii name (K204)."""
    assert disposition("path/to/include-no-ascii-char-中文名-ok.png") == (
        'attachment; filename="include-no-ascii-char-???-ok.png"; '
        "filename*=UTF-8''include-no-ascii-char-%E4%B8%AD%E6%96%87%E5%90%8D-ok.png"
    )


async def test_attachment_with_a_json_body(client: ClientFor) -> None:
    """Attachment with a json body (K205)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.attachment("path/to/include-no-ascii-char-中文名-ok.json")
        ctx.body = {"foo": "bar"}

    app = Koa()
    app.use(mw)
    reply = await (await client(app)).get("/")
    assert reply.status == 200
    assert reply.headers["Content-Disposition"] == (
        'attachment; filename="include-no-ascii-char-???-ok.json"; '
        "filename*=UTF-8''include-no-ascii-char-%E4%B8%AD%E6%96%87%E5%90%8D-ok.json"
    )
    assert reply.json() == {"foo": "bar"}


def test_fallback_must_be_a_string_or_bool() -> None:
    """Fallback must be a string or bool (K206)."""
    with pytest.raises(TypeError, match="fallback must be a string or boolean"):
        disposition("plans.pdf", fallback=42)


def test_fallback_question_marks() -> None:
    """Fallback question marks (K207)."""
    assert disposition("€ rates.pdf") == (
        "attachment; filename=\"? rates.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf"
    )


def test_fallback_false() -> None:
    """K208, except that a Latin-1 name is not sent in filename="..." (aiohttp
    sends headers as UTF-8, so it would arrive garbled): filename* carries it."""
    assert disposition("£ and € rates.pdf", fallback=False) == (
        "attachment; filename*=UTF-8''%C2%A3%20and%20%E2%82%AC%20rates.pdf"
    )
    assert disposition("£ rates.pdf", fallback=False) == (
        "attachment; filename*=UTF-8''%C2%A3%20rates.pdf"
    )


def test_fallback_true() -> None:
    """K209, with an ASCII fallback for Latin-1 names too (see K208)."""
    assert disposition("£ and € rates.pdf", fallback=True) == (
        'attachment; filename="? and ? rates.pdf"; '
        "filename*=UTF-8''%C2%A3%20and%20%E2%82%AC%20rates.pdf"
    )
    assert disposition("£ rates.pdf", fallback=True) == (
        "attachment; filename=\"? rates.pdf\"; filename*=UTF-8''%C2%A3%20rates.pdf"
    )


def test_fallback_string_must_be_latin1() -> None:
    """Fallback string must be latin1 (K210)."""
    with pytest.raises(TypeError, match="fallback must be ISO-8859-1 string"):
        disposition("€ rates.pdf", fallback="€ rates.pdf")


async def test_a_latin1_fallback_has_its_non_ascii_characters_replaced(
    client: ClientFor,
) -> None:
    """Issue 17, item 12: sent as UTF-8 a Latin-1 fallback would arrive garbled,
    so its non-ASCII characters become ``?`` (as the ``fallback=True`` name)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.attachment("£ and € rates.pdf", fallback="£ and EURO rates.pdf")
        ctx.body = "pdf"

    reply = await (await client(Koa().use(mw))).get("/")
    assert reply.status == 200
    assert reply.headers["Content-Disposition"] == (
        'attachment; filename="? and EURO rates.pdf"; '
        "filename*=UTF-8''%C2%A3%20and%20%E2%82%AC%20rates.pdf"
    )


async def test_latin1_file_name_arrives_intact_on_the_wire(client: ClientFor) -> None:
    """What the K208 difference is for: the real name survives the trip."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.attachment("été.csv")
        ctx.body = "a,b"

    reply = await (await client(Koa().use(mw))).get("/")
    assert reply.headers["Content-Disposition"] == (
        "attachment; filename=\"?t?.csv\"; filename*=UTF-8''%C3%A9t%C3%A9.csv"
    )


@pytest.mark.parametrize(
    ("filename", "fallback", "expected"),
    [
        (
            "£ and € rates.pdf",
            "GBP and EURO rates.pdf",
            'attachment; filename="GBP and EURO rates.pdf"; '
            "filename*=UTF-8''%C2%A3%20and%20%E2%82%AC%20rates.pdf",
        ),
        (
            '"£ rates".pdf',
            "GBP rates.pdf",
            "attachment; filename=\"GBP rates.pdf\"; filename*=UTF-8''%22%C2%A3%20rates%22.pdf",
        ),
        ("plans.pdf", "plans.pdf", 'attachment; filename="plans.pdf"'),
        (
            "€ rates.pdf",
            "/path/to/EURO rates.pdf",
            "attachment; filename=\"EURO rates.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf",
        ),
        (None, "plans.pdf", "attachment"),
    ],
)
def test_fallback_string(filename: str | None, fallback: str, expected: str) -> None:
    """Fallback string (K210)."""
    assert disposition(filename, fallback=fallback) == expected


@pytest.mark.parametrize("bad", [42, "invlaid;type", "inline\n"])
def test_invalid_disposition_type(bad: object) -> None:
    """Invalid disposition type (K211)."""
    with pytest.raises(TypeError, match="invalid type"):
        disposition(type=bad)


@pytest.mark.parametrize(
    ("filename", "type", "expected"),
    [
        (None, "attachment", "attachment"),
        (None, "inline", "inline"),
        ("plans.pdf", "inline", 'inline; filename="plans.pdf"'),
        (None, "INLINE", "inline"),
    ],
)
def test_disposition_type(filename: str | None, type: str, expected: str) -> None:
    """Disposition type (K211)."""
    assert disposition(filename, type=type) == expected


def test_quotes_and_control_characters_in_names_are_safe() -> None:
    """K204 (robustness: a file name cannot break the header)"""
    assert disposition('a"b\\c.txt') == 'attachment; filename="a\\"b\\\\c.txt"'
    value = disposition("a\r\nb.txt")
    assert isinstance(value, str)
    assert "\r" not in value and "\n" not in value
    assert value == "attachment; filename=\"a??b.txt\"; filename*=UTF-8''a%0D%0Ab.txt"


async def test_attachment_never_overrides_an_explicit_type(client: ClientFor) -> None:
    """Attachment never overrides an explicit type (K212)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.type = "text/plain"
        ctx.attachment("evil.html")
        ctx.body = "<b>"

    app = Koa()
    app.use(mw)
    reply = await (await client(app)).get("/")
    assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert reply.headers["Content-Disposition"] == 'attachment; filename="evil.html"'
