"""helmet 8's Content-Security-Policy suite: directive names and values,
defaults, functions, report-only, and every construction-time error."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from koa.core import Context, Koa, Middleware, Next
from koa.core.testing import ClientFor
from koa.helmet import (
    DANGEROUSLY_DISABLE_DEFAULT_SRC,
    Directives,
    content_security_policy,
    get_default_directives,
    helmet,
)

SHOULD_BE_QUOTED = [
    "none",
    "self",
    "strict-dynamic",
    "report-sample",
    "inline-speculation-rules",
    "unsafe-inline",
    "unsafe-eval",
    "unsafe-hashes",
    "wasm-unsafe-eval",
    "nonce-abc123",
    "sha256-abc123",
    "sha384-abc123",
    "sha512-abc123",
]
DEFAULTS = {
    "default-src 'self'",
    "base-uri 'self'",
    "font-src 'self' https: data:",
    "form-action 'self'",
    "frame-ancestors 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' https: 'unsafe-inline'",
    "upgrade-insecure-requests",
}


async def hello(ctx: Context, next: Next) -> None:
    ctx.body = "Hello world!"


async def header_of(
    client: ClientFor, middleware: Middleware, name: str = "Content-Security-Policy"
) -> str:
    reply = await (await client(Koa(silent=True).use(middleware).use(hello))).get("/")
    assert (reply.status, reply.text) == (200, "Hello world!")
    values = reply.headers.getall(name)
    assert len(values) == 1
    return values[0]


async def directives_of(client: ClientFor, middleware: Middleware) -> set[str]:
    return set((await header_of(client, middleware)).split(";"))


@pytest.mark.parametrize(
    "options",
    [{}, {"directives": None}, {"directives": {}}, {"use_defaults": True}],
    ids=["nothing", "none", "empty", "use-defaults"],
)
async def test_a_default_policy_without_directives(
    client: ClientFor, options: dict[str, Any]
) -> None:
    assert await directives_of(client, content_security_policy(**options)) == DEFAULTS


async def test_directives_named_with_dashes(client: ClientFor) -> None:
    mw = content_security_policy(
        use_defaults=False,
        directives={
            "default-src": ["'self'"],
            "script-src": ["example.com"],
            "style-src": ["'none'"],
        },
    )
    assert await directives_of(client, mw) == {
        "default-src 'self'",
        "script-src example.com",
        "style-src 'none'",
    }


async def test_directives_named_in_camel_case(client: ClientFor) -> None:
    mw = content_security_policy(
        use_defaults=False,
        directives={"defaultSrc": ["'self'"], "scriptSrc": ["example.com"], "styleSrc": ["'none'"]},
    )
    assert await directives_of(client, mw) == {
        "default-src 'self'",
        "script-src example.com",
        "style-src 'none'",
    }


async def test_a_mix_of_dashed_and_camel_case_names(client: ClientFor) -> None:
    mw = content_security_policy(
        use_defaults=False,
        directives={
            "default-src": ["'self'"],
            "script-src": ["example.com"],
            "styleSrc": ["'none'"],
            "objectSrc": ["'none'"],
        },
    )
    assert await directives_of(client, mw) == {
        "default-src 'self'",
        "script-src example.com",
        "style-src 'none'",
        "object-src 'none'",
    }


async def test_an_empty_list_of_values(client: ClientFor) -> None:
    mw = content_security_policy(
        use_defaults=False, directives={"default-src": ["'self'"], "sandbox": []}
    )
    assert await directives_of(client, mw) == {"default-src 'self'", "sandbox"}


async def test_any_iterable_of_values(client: ClientFor) -> None:
    def nothing() -> Iterator[str]:
        yield from ()

    mw = content_security_policy(
        use_defaults=False, directives={"default-src": ("'self'",), "sandbox": nothing()}
    )
    assert await directives_of(client, mw) == {"default-src 'self'", "sandbox"}


async def test_strings_as_values(client: ClientFor) -> None:
    mw = content_security_policy(
        use_defaults=False,
        directives={"default-src": "'self'  example.com", "scriptSrc": "'none'", "sandbox": ""},
    )
    assert await directives_of(client, mw) == {
        "default-src 'self'  example.com",
        "script-src 'none'",
        "sandbox",
    }


async def test_none_values_are_as_if_not_set(client: ClientFor) -> None:
    mw = content_security_policy(
        use_defaults=False, directives={"default-src": "'self'", "scriptSrc": None}
    )
    assert await directives_of(client, mw) == {"default-src 'self'"}


async def test_functions_make_dynamic_directives(client: ClientFor) -> None:
    dynamic = f"{uuid.uuid4()}.example"
    seen: list[object] = []

    def per_request(ctx: Context) -> str:
        seen.append(ctx)
        return dynamic

    mw = content_security_policy(
        use_defaults=False,
        directives={"default-src": ["'self'", per_request, "bar.example.com"]},
    )
    assert await directives_of(client, mw) == {f"default-src 'self' {dynamic} bar.example.com"}
    assert len(seen) == 1 and isinstance(seen[0], Context)


async def test_a_function_is_called_on_every_request(client: ClientFor) -> None:
    counter = iter(range(100))
    mw = content_security_policy(
        directives={"script-src": ["'self'", lambda ctx: f"'nonce-{next(counter)}'"]}
    )
    c = await client(Koa().use(mw).use(hello))
    first = (await c.get("/")).headers["Content-Security-Policy"]
    second = (await c.get("/")).headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-0'" in first.split(";")
    assert "script-src 'self' 'nonce-1'" in second.split(";")


async def test_a_raising_function_stops_the_request_and_later_functions(
    client: ClientFor,
) -> None:
    called: list[str] = []

    def failing(ctx: Context) -> str:
        raise RuntimeError("test error")

    def second(ctx: Context) -> str:
        called.append("second")
        return "ignored.example"

    app = Koa(silent=True)
    errors: list[BaseException] = []
    app.on("error", lambda err, ctx: errors.append(err))
    app.use(content_security_policy(directives={"defaultSrc": ["'self'", failing, second]}))
    app.use(hello)
    reply = await (await client(app)).get("/")
    assert reply.status == 500
    assert "Content-Security-Policy" not in reply.headers
    assert called == []
    assert str(errors[0]) == "test error"


async def test_the_defaults_can_be_overridden(client: ClientFor) -> None:
    expected = {
        "default-src 'self' example.com",
        "font-src 'self' https: data:",
        "form-action 'self'",
        "frame-ancestors 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "script-src example.com",
        "script-src-attr 'none'",
        "style-src 'self' https: 'unsafe-inline'",
        "upgrade-insecure-requests",
    }
    directives: Directives = {
        "default-src": ["'self'", "example.com"],
        "base-uri": None,
        "scriptSrc": ["example.com"],
    }
    for mw in (
        content_security_policy(use_defaults=True, directives=directives),
        content_security_policy(directives=directives),
    ):
        assert await directives_of(client, mw) == expected


async def test_an_overridden_default_keeps_its_place(client: ClientFor) -> None:
    mw = content_security_policy(directives={"img-src": ["*"], "worker-src": ["'self'"]})
    names = [d.split(" ")[0] for d in (await header_of(client, mw)).split(";")]
    assert names[5] == "img-src" and names[-1] == "worker-src"


async def test_report_only(client: ClientFor) -> None:
    mw = content_security_policy(
        use_defaults=False, directives={"default-src": "'self'"}, report_only=True
    )
    app = Koa().use(mw).use(hello)
    reply = await (await client(app)).get("/")
    assert "Content-Security-Policy" not in reply.headers
    assert reply.headers["Content-Security-Policy-Report-Only"] == "default-src 'self'"


async def test_report_only_false_sends_the_normal_header(client: ClientFor) -> None:
    mw = content_security_policy(
        use_defaults=False, directives={"default-src": "'self'"}, report_only=False
    )
    reply = await (await client(Koa().use(mw).use(hello))).get("/")
    assert reply.headers["Content-Security-Policy"] == "default-src 'self'"
    assert "Content-Security-Policy-Report-Only" not in reply.headers


INVALID_NAMES = [
    "",
    ";",
    "\u00e1",
    "default src",
    " default-src",
    "default-src ",
    "default;src",
    "default,src",
    "default!src",
    "default_src",
    "def\u00e1ult-src",
    "DefaultSrc",
    "Default-Src",
    "-default-src",
    "default-src-",
    "_default_src",
    "__proto__",
]


@pytest.mark.parametrize("name", INVALID_NAMES)
def test_an_invalid_directive_name_is_refused(name: str) -> None:
    with pytest.raises(
        ValueError, match=r'^Content-Security-Policy received an invalid directive name "'
    ):
        content_security_policy(use_defaults=True, directives={name: ["value"]})


def test_a_snake_case_name_error_says_how_to_write_it() -> None:
    with pytest.raises(ValueError, match='write it with dashes: "default-src"'):
        content_security_policy(directives={"default_src": ["'self'"]})


def test_a_duplicate_directive_is_refused() -> None:
    with pytest.raises(ValueError) as raised:
        content_security_policy(
            use_defaults=False, directives={"defaultSrc": ["foo"], "default-src": ["foo"]}
        )
    assert (
        str(raised.value) == 'Content-Security-Policy received a duplicate directive "default-src"'
    )
    with pytest.raises(ValueError) as raised:
        content_security_policy(
            use_defaults=False,
            directives={"defaultSrc": ["'self'"], "scriptSrc": ["foo"], "script-src": ["foo"]},
        )
    assert (
        str(raised.value) == 'Content-Security-Policy received a duplicate directive "script-src"'
    )


@pytest.mark.parametrize("value", [";", ",", "hello;world", "hello,world"])
def test_a_value_holding_a_separator_is_refused(value: str) -> None:
    with pytest.raises(ValueError) as raised:
        content_security_policy(
            use_defaults=False, directives={"default-src": "'self'", "something-else": [value]}
        )
    message = 'Content-Security-Policy received an invalid directive value for "something-else"'
    assert str(raised.value) == message


def test_a_string_value_holding_a_separator_is_refused() -> None:
    with pytest.raises(ValueError) as raised:
        content_security_policy(use_defaults=False, directives={"default-src": "foo;bar"})
    message = 'Content-Security-Policy received an invalid directive value for "default-src"'
    assert str(raised.value) == message


@pytest.mark.parametrize("entry", SHOULD_BE_QUOTED)
def test_an_unquoted_keyword_is_refused(entry: str) -> None:
    with pytest.raises(ValueError) as raised:
        content_security_policy(
            use_defaults=False, directives={"default-src": "'self'", "something-else": [entry]}
        )
    assert str(raised.value) == (
        'Content-Security-Policy received an invalid directive value for "something-else". '
        f'"{entry}" should be quoted'
    )


@pytest.mark.parametrize("value", [False, 0, 12, b"'self'"], ids=["False", "0", "12", "bytes"])
def test_a_value_that_is_not_a_string_or_iterable_is_refused(value: Any) -> None:
    with pytest.raises(ValueError) as raised:
        content_security_policy(directives={"defaultSrc": value})
    message = 'Content-Security-Policy received an invalid directive value for "default-src"'
    assert str(raised.value) == message


def test_an_entry_that_is_not_a_string_or_function_is_refused() -> None:
    with pytest.raises(ValueError, match='invalid directive value for "img-src"'):
        content_security_policy(directives={"img-src": ["'self'", 42]})  # type: ignore[list-item]


def test_a_control_character_in_a_value_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="cannot be sent in an HTTP header"):
        content_security_policy(directives={"img-src": ["a.example\r\nSet-Cookie: x=1"]})


@pytest.mark.parametrize("entry", ["bad;value", "bad,value", *SHOULD_BE_QUOTED])
async def test_a_bad_value_returned_by_a_function_fails_the_request(
    client: ClientFor, entry: str
) -> None:
    app = Koa(silent=True)
    errors: list[BaseException] = []
    app.on("error", lambda err, ctx: errors.append(err))
    app.use(
        content_security_policy(
            use_defaults=False, directives={"defaultSrc": ["'self'", lambda ctx: entry]}
        )
    )
    reply = await (await client(app.use(hello))).get("/")
    assert reply.status == 500
    assert "Content-Security-Policy" not in reply.headers
    assert str(errors[0]).startswith(
        'Content-Security-Policy received an invalid directive value for "default-src"'
    )


async def test_helmet_reports_a_function_error_like_the_part(client: ClientFor) -> None:
    """helmet's "properly handles a middleware calling next() with an error"."""
    app = Koa(silent=True)
    errors: list[BaseException] = []
    app.on("error", lambda err, ctx: errors.append(err))
    app.use(
        helmet(
            content_security_policy={
                "directives": {"defaultSrc": ["'self'", lambda ctx: "bad;value"]}
            }
        )
    )
    reply = await (await client(app.use(hello))).get("/")
    assert reply.status == 500
    assert str(errors[0]) == (
        'Content-Security-Policy received an invalid directive value for "default-src"'
    )


async def test_a_function_returning_a_non_string_fails_the_request(client: ClientFor) -> None:
    app = Koa(silent=True)
    mw = content_security_policy(directives={"script-src": [lambda ctx: 5]})  # type: ignore[list-item,return-value]
    reply = await (await client(app.use(mw).use(hello))).get("/")
    assert reply.status == 500


def test_no_directives_at_all_is_refused() -> None:
    message = "Content-Security-Policy has no directives. Either set some or disable the header"
    for options in ({"use_defaults": False, "directives": {}}, {"use_defaults": False}):
        with pytest.raises(ValueError) as raised:
            content_security_policy(**options)
        assert str(raised.value) == message


def test_a_missing_default_src_is_refused() -> None:
    with pytest.raises(ValueError) as raised:
        content_security_policy(use_defaults=False, directives={"scriptSrc": ["example.com"]})
    assert str(raised.value) == (
        "Content-Security-Policy needs a default-src but none was provided. If you really "
        "want to disable it, set it to `DANGEROUSLY_DISABLE_DEFAULT_SRC`."
    )


def test_a_default_src_of_none_is_refused() -> None:
    with pytest.raises(ValueError) as raised:
        content_security_policy(directives={"defaultSrc": None})
    assert str(raised.value) == (
        "Content-Security-Policy needs a default-src but it was set to `None`. If you really "
        "want to disable it, set it to `DANGEROUSLY_DISABLE_DEFAULT_SRC`."
    )


@pytest.mark.parametrize(
    "directives",
    [{"defaultSrc": ["foo"]}, {"default-src": ["foo"]}, {"defaultSrc": []}, {"defaultSrc": ""}],
    ids=["camel", "dashed", "empty-list", "empty-string"],
)
def test_any_default_src_will_do(directives: Directives) -> None:
    content_security_policy(use_defaults=False, directives=directives)


@pytest.mark.parametrize(
    ("use_defaults", "directives", "expected"),
    [
        (
            False,
            {"defaultSrc": DANGEROUSLY_DISABLE_DEFAULT_SRC, "scriptSrc": ["example.com"]},
            {"script-src example.com"},
        ),
        (
            False,
            {"default-src": DANGEROUSLY_DISABLE_DEFAULT_SRC, "script-src": ["example.com"]},
            {"script-src example.com"},
        ),
        (True, {"default-src": DANGEROUSLY_DISABLE_DEFAULT_SRC}, DEFAULTS - {"default-src 'self'"}),
    ],
    ids=["camel", "dashed", "defaults"],
)
async def test_default_src_can_be_disabled_on_purpose(
    client: ClientFor, use_defaults: bool, directives: Directives, expected: set[str]
) -> None:
    mw = content_security_policy(use_defaults=use_defaults, directives=directives)
    assert await directives_of(client, mw) == expected


@pytest.mark.parametrize("name", ["defaultSrc", "default-src"])
def test_disabling_default_src_with_nothing_else_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match=r"^Content-Security-Policy has no directives"):
        content_security_policy(
            use_defaults=False, directives={name: DANGEROUSLY_DISABLE_DEFAULT_SRC}
        )


def test_the_disable_marker_on_another_directive_is_refused() -> None:
    with pytest.raises(ValueError) as raised:
        content_security_policy(
            directives={"default-src": "'self'", "script-src": DANGEROUSLY_DISABLE_DEFAULT_SRC}
        )
    assert str(raised.value) == (
        'Content-Security-Policy: tried to disable "script-src" as if it were default-src; '
        "simply omit the key"
    )


def test_directives_that_are_not_a_mapping_are_a_type_error() -> None:
    with pytest.raises(TypeError, match="directives must be a mapping"):
        content_security_policy(directives=["default-src 'self'"])  # type: ignore[arg-type]


def test_get_default_directives() -> None:
    assert get_default_directives() == {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "font-src": ["'self'", "https:", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "script-src": ["'self'"],
        "script-src-attr": ["'none'"],
        "style-src": ["'self'", "https:", "'unsafe-inline'"],
        "upgrade-insecure-requests": [],
    }


def test_get_default_directives_returns_a_new_copy_each_time() -> None:
    one = get_default_directives()
    one["worker-src"] = ["ignored.example"]
    one["img-src"].append("ignored.example")
    two = get_default_directives()
    assert "worker-src" not in two
    assert "ignored.example" not in two["img-src"]


async def test_defaults_extended_through_get_default_directives(client: ClientFor) -> None:
    directives = get_default_directives()
    directives["script-src"] = ["'self'", "cdn.example"]
    mw = content_security_policy(use_defaults=False, directives=directives)
    assert "script-src 'self' cdn.example" in await directives_of(client, mw)
