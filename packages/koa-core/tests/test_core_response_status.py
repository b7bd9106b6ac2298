"""Response metadata: ``status``, ``message``, ``type``, ``is_()``, ``etag``,
``last_modified`` and ``to_json()``.

Ported from Koa's ``__tests__/response/{status,message,type,is,etag,
lastModified,inspect,toJSON}.test.js`` (K234, K243-K245, K247, K263-K266).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from koa.core import STATUS_CODES, Context, Koa, Next
from koa.core.testing import ClientFor, create_context

TXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"

# -- status ------------------------------------------------------------------------------


def test_status_is_404_until_set() -> None:
    """Status is 404 until set (K263)."""
    assert create_context().status == 404


def test_status_can_be_set() -> None:
    """Status can be set (K263)."""
    ctx = create_context()
    ctx.status = 403
    assert ctx.status == 403
    assert ctx.message == "Forbidden"


@pytest.mark.parametrize("code", [99, 1000, 0, -1])
def test_status_out_of_range_raises(code: int) -> None:
    """Status out of range raises (K263)."""
    with pytest.raises(ValueError, match=f"invalid status code: {code}"):
        create_context().status = code


@pytest.mark.parametrize("code", ["forbidden", "200", 200.0, True, None])
def test_status_must_be_an_int(code: object) -> None:
    """Status must be an int (K263)."""
    with pytest.raises(TypeError, match="status code must be a number"):
        create_context().status = code  # type: ignore[assignment]


def test_custom_status_is_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Custom status is allowed (K263)."""
    ctx = create_context()
    ctx.status = 700
    assert (ctx.status, ctx.message) == (700, "")
    monkeypatch.setitem(STATUS_CODES, 700, "custom status")
    assert ctx.message == "custom status"


@pytest.mark.parametrize("status", [204, 205, 304])
def test_empty_status_strips_body_headers(status: int) -> None:
    """Empty status strips body headers (K264)."""
    ctx = create_context()
    ctx.body = {"foo": "bar"}
    ctx.set("Content-Type", JSON)
    ctx.set("Content-Length", "15")
    ctx.set("Transfer-Encoding", "chunked")
    ctx.status = status
    assert ctx.response.get("Content-Type") is None
    assert ctx.response.get("Content-Length") is None
    assert ctx.response.get("Transfer-Encoding") is None
    assert ctx.body is None


@pytest.mark.parametrize("status", [204, 205, 304])
@pytest.mark.parametrize("status_first", [False, True])
async def test_empty_status_responses_have_no_body_headers(
    client: ClientFor, status: int, status_first: bool
) -> None:
    """K264 (deviation: a 205 carries ``Content-Length: 0``, the framing RFC 9110
    §15.3.6 asks for; aiohttp adds it)"""

    async def mw(ctx: Context, next: Next) -> None:
        if status_first:
            ctx.status = status
        ctx.body = {"foo": "bar"}
        ctx.set("Content-Type", JSON)
        ctx.set("Content-Length", "15")
        ctx.set("Transfer-Encoding", "chunked")
        if not status_first:
            ctx.status = status

    app = Koa()
    app.use(mw)
    reply = await (await client(app)).get("/")
    assert reply.status == status
    for name in ("Content-Type", "Content-Encoding", "Transfer-Encoding"):
        assert name not in reply.headers
    assert reply.headers.get("Content-Length", "0") == "0"
    if status != 205:
        assert "Content-Length" not in reply.headers
    assert reply.body == b""


# -- message -----------------------------------------------------------------------------


def test_message_defaults_to_the_reason_phrase() -> None:
    """Message defaults to the reason phrase (K247)."""
    ctx = create_context()
    ctx.status = 200
    assert ctx.message == "OK"


def test_message_can_be_set() -> None:
    """Message can be set (K247)."""
    ctx = create_context()
    ctx.status = 200
    ctx.message = "ok"
    assert ctx.message == "ok"
    assert ctx.response.to_json()["message"] == "ok"


def test_setting_the_status_resets_the_message() -> None:
    """Setting the status resets the message (K247)."""
    ctx = create_context()
    ctx.message = "custom"
    ctx.status = 201
    assert ctx.message == "Created"


def test_message_refuses_line_breaks() -> None:
    """K261 (robustness: a reason phrase cannot split the status line)"""
    with pytest.raises(ValueError, match="Invalid character"):
        create_context().message = "ok\r\nX-Evil: 1"


# -- type ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "type", "header"),
    [
        ("text/plain", "text/plain", TXT),
        ("json", "application/json", JSON),
        ("text/html", "text/html", HTML),
        ("text/html; charset=foo", "text/html", "text/html; charset=foo"),
        ("application/vnd.myapi.v1+json", "application/vnd.myapi.v1+json", None),
        ("html", "text/html", HTML),
        (".png", "image/png", "image/png"),
        ("application/json", "application/json", JSON),
        ("image/svg+xml", "image/svg+xml", "image/svg+xml"),
        ("xml", "application/xml", "application/xml"),
        ("foo/bar", "foo/bar", "foo/bar"),
        ("bin", "application/octet-stream", "application/octet-stream"),
        ("txt", "text/plain", TXT),
    ],
)
def test_type_setter(value: str, type: str, header: str | None) -> None:
    """Type setter (K265, K266)."""
    ctx = create_context()
    ctx.type = value
    assert ctx.type == type
    if header is not None:
        assert ctx.response.get("Content-Type") == header


def test_unknown_type_removes_the_header() -> None:
    """Unknown type removes the header (K265)."""
    ctx = create_context()
    ctx.type = "text/plain"
    ctx.type = "asdf"
    assert ctx.type == ""
    assert ctx.response.get("Content-Type") is None


def test_type_none_removes_the_header() -> None:
    """Type none removes the header (K004)."""
    ctx = create_context()
    ctx.type = "json"
    ctx.type = None
    assert not ctx.has("Content-Type")


def test_type_without_header_is_empty() -> None:
    """Type without header is empty (K265)."""
    assert create_context().type == ""


# -- is_ -----------------------------------------------------------------------------------------


def test_response_is_matches_the_type() -> None:
    """Response is matches the type (K244)."""
    ctx = create_context()
    ctx.type = "text/html; charset=utf-8"
    assert ctx.response.is_("text/*") == "text/html"
    assert ctx.response.is_() == "text/html"


def test_response_is_without_type_is_false() -> None:
    """Response is without type is false (K244)."""
    ctx = create_context()
    assert ctx.response.is_() is False
    assert ctx.response.is_("html") is False


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (("png",), "png"),
        ((".png",), ".png"),
        (("image/png",), "image/png"),
        (("image/*",), "image/png"),
        (("*/png",), "image/png"),
        (("jpeg",), False),
        (("text/*",), False),
        (("text/*", "image/*"), "image/png"),
        (("image/png", "image/*"), "image/png"),
        (("text/*", "application/*"), False),
    ],
)
def test_response_is_with_png(kinds: tuple[str, ...], expected: str | bool) -> None:
    """Response is with png (K244)."""
    ctx = create_context()
    ctx.type = "image/png"
    assert ctx.response.is_(*kinds) == expected
    assert ctx.response.is_(list(kinds)) == expected


def test_response_is_urlencoded() -> None:
    """Response is urlencoded (K244)."""
    ctx = create_context()
    ctx.type = "application/x-www-form-urlencoded"
    assert ctx.response.is_("urlencoded") == "urlencoded"
    assert ctx.response.is_("json", "urlencoded") == "urlencoded"
    assert ctx.response.is_("urlencoded", "json") == "urlencoded"


# -- etag and last_modified ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [('"asdf"', '"asdf"'), ('W/"asdf"', 'W/"asdf"'), ("asdf", '"asdf"')]
)
def test_etag_is_quoted(value: str, expected: str) -> None:
    """Etag is quoted (K234)."""
    ctx = create_context()
    ctx.etag = value
    assert ctx.response.get("ETag") == expected
    assert ctx.etag == expected


def test_last_modified_from_a_datetime() -> None:
    """Last modified from a datetime (K245)."""
    ctx = create_context()
    now = datetime.now(UTC)
    ctx.last_modified = now
    assert ctx.response.get("Last-Modified") == now.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert ctx.last_modified == now.replace(microsecond=0)


def test_last_modified_from_a_string() -> None:
    """Last modified from a string (K245)."""
    ctx = create_context()
    ctx.last_modified = "Thu, 01 Jan 1970 00:00:00 GMT"
    assert ctx.last_modified == datetime(1970, 1, 1, tzinfo=UTC)


def test_last_modified_epoch() -> None:
    """Last modified epoch (K245)."""
    ctx = create_context()
    ctx.last_modified = datetime(1970, 1, 1, tzinfo=UTC)
    assert ctx.response.get("Last-Modified") == "Thu, 01 Jan 1970 00:00:00 GMT"


def test_naive_last_modified_is_utc() -> None:
    """K245 (a naive datetime is taken as UTC)"""
    ctx = create_context()
    ctx.last_modified = datetime(2020, 1, 2, 3, 4, 5)
    assert ctx.response.get("Last-Modified") == "Thu, 02 Jan 2020 03:04:05 GMT"


def test_last_modified_unset_is_none() -> None:
    """Last modified unset is none (K245)."""
    assert create_context().last_modified is None


# -- to_json -----------------------------------------------------------------------------------


def test_response_to_json_and_repr() -> None:
    """Response to json and repr (K243)."""
    ctx = create_context()
    ctx.body = "hello"
    expected = {
        "status": 200,
        "message": "OK",
        "header": {"content-type": TXT, "content-length": 5},
    }
    assert ctx.response.to_json() == expected
    assert repr(ctx.response) == f"<Response {dict(expected, body='hello')!r}>"
