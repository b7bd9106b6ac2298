"""helmet 8's and koa-helmet 9's top-level suites: ``helmet()``'s default
headers, switching parts off and on, legacy names, warnings, through real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

import koa.helmet as helmet_module
from koa.core import Context, Koa, Middleware, Next
from koa.core.testing import ClientFor
from koa.helmet import (
    content_security_policy,
    cross_origin_embedder_policy,
    cross_origin_opener_policy,
    cross_origin_resource_policy,
    dns_prefetch_control,
    frameguard,
    helmet,
    hsts,
    ie_no_open,
    no_sniff,
    permitted_cross_domain_policies,
    referrer_policy,
    xss_filter,
)

DEFAULT_CSP = (
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';"
    "frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';"
    "script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests"
)
DEFAULT_HEADERS: dict[str, str | None] = {
    "content-security-policy": DEFAULT_CSP,
    "cross-origin-embedder-policy": None,
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "origin-agent-cluster": "?1",
    "referrer-policy": "no-referrer",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "x-dns-prefetch-control": "off",
    "x-download-options": "noopen",
    "x-frame-options": "SAMEORIGIN",
    "x-permitted-cross-domain-policies": "none",
    "x-powered-by": None,
    "x-xss-protection": "0",
}


async def powered_by(ctx: Context, next: Next) -> None:
    ctx.set("X-Powered-By", "Helmet test")
    await next()


async def hello(ctx: Context, next: Next) -> None:
    ctx.body = "Hello world!"


async def check(client: ClientFor, expected: dict[str, str | None], *mw: Middleware) -> None:
    """helmet's ``check()``: X-Powered-By set upstream, then *mw*, then a body."""
    app = Koa(silent=True).use(powered_by)
    for middleware in mw:
        app.use(middleware)
    reply = await (await client(app.use(hello))).get("/")
    assert (reply.status, reply.text) == (200, "Hello world!")
    for name, value in expected.items():
        if value is None:
            assert name not in reply.headers, name
        else:
            assert reply.headers.getall(name) == [value], name


async def test_every_part_but_coep_with_its_default(client: ClientFor) -> None:
    await check(client, DEFAULT_HEADERS, helmet())


async def test_the_headers_come_in_helmets_order(client: ClientFor) -> None:
    app = Koa().use(helmet()).use(hello)
    reply = await (await client(app)).get("/")
    names = [name.lower() for name in reply.headers if name.lower() in DEFAULT_HEADERS]
    assert names == [name for name, value in DEFAULT_HEADERS.items() if value is not None]


async def test_options_of_none_are_the_defaults(client: ClientFor) -> None:
    await check(client, DEFAULT_HEADERS, helmet(content_security_policy=None, hsts=None))


@pytest.mark.parametrize(
    ("option", "header"),
    [
        ("content_security_policy", "content-security-policy"),
        ("x_dns_prefetch_control", "x-dns-prefetch-control"),
        ("cross_origin_opener_policy", "cross-origin-opener-policy"),
        ("cross_origin_resource_policy", "cross-origin-resource-policy"),
        ("origin_agent_cluster", "origin-agent-cluster"),
        ("referrer_policy", "referrer-policy"),
        ("strict_transport_security", "strict-transport-security"),
        ("x_content_type_options", "x-content-type-options"),
        ("x_download_options", "x-download-options"),
        ("x_frame_options", "x-frame-options"),
        ("x_permitted_cross_domain_policies", "x-permitted-cross-domain-policies"),
        ("x_xss_protection", "x-xss-protection"),
    ],
)
async def test_each_part_can_be_switched_off(client: ClientFor, option: str, header: str) -> None:
    expected = {**DEFAULT_HEADERS, header: None}
    await check(client, expected, helmet(**{option: False}))


async def test_x_powered_by_off_leaves_the_header(client: ClientFor) -> None:
    await check(client, {"x-powered-by": "Helmet test"}, helmet(x_powered_by=False))


async def test_every_part_switched_off(client: ClientFor) -> None:
    off = {
        name: False
        for name in (
            "content_security_policy",
            "cross_origin_embedder_policy",
            "cross_origin_opener_policy",
            "cross_origin_resource_policy",
            "origin_agent_cluster",
            "referrer_policy",
            "strict_transport_security",
            "x_content_type_options",
            "x_dns_prefetch_control",
            "x_download_options",
            "x_frame_options",
            "x_permitted_cross_domain_policies",
            "x_powered_by",
            "x_xss_protection",
        )
    }
    expected: dict[str, str | None] = {name: None for name in DEFAULT_HEADERS}
    expected["x-powered-by"] = "Helmet test"
    await check(client, expected, helmet(**off))


async def test_a_default_part_explicitly_on_is_a_no_op(client: ClientFor) -> None:
    await check(client, {"x-frame-options": "SAMEORIGIN"}, helmet(x_frame_options=True))


@pytest.mark.parametrize(
    ("setting", "value"),
    [(True, "require-corp"), (False, None), ({"policy": "credentialless"}, "credentialless")],
    ids=["on", "off", "options"],
)
async def test_coep_is_opt_in(client: ClientFor, setting: Any, value: str | None) -> None:
    await check(
        client,
        {"cross-origin-embedder-policy": value},
        helmet(cross_origin_embedder_policy=setting),
    )


@pytest.mark.parametrize(
    ("option", "setting", "header", "value"),
    [
        ("cross_origin_opener_policy", True, "cross-origin-opener-policy", "same-origin"),
        (
            "cross_origin_opener_policy",
            {"policy": "same-origin-allow-popups"},
            "cross-origin-opener-policy",
            "same-origin-allow-popups",
        ),
        ("cross_origin_resource_policy", True, "cross-origin-resource-policy", "same-origin"),
        (
            "cross_origin_resource_policy",
            {"policy": "same-site"},
            "cross-origin-resource-policy",
            "same-site",
        ),
        ("origin_agent_cluster", True, "origin-agent-cluster", "?1"),
        ("referrer_policy", {"policy": "origin"}, "referrer-policy", "origin"),
        (
            "strict_transport_security",
            {"max_age": 123, "preload": True},
            "strict-transport-security",
            "max-age=123; includeSubDomains; preload",
        ),
        ("x_frame_options", {"action": "deny"}, "x-frame-options", "DENY"),
        ("x_dns_prefetch_control", {"allow": True}, "x-dns-prefetch-control", "on"),
        (
            "x_permitted_cross_domain_policies",
            {"permitted_policies": "by-content-type"},
            "x-permitted-cross-domain-policies",
            "by-content-type",
        ),
        (
            "content_security_policy",
            {"use_defaults": False, "directives": {"default-src": "'self'"}},
            "content-security-policy",
            "default-src 'self'",
        ),
    ],
)
async def test_a_part_takes_its_options(
    client: ClientFor, option: str, setting: Any, header: str, value: str
) -> None:
    await check(client, {header: value}, helmet(**{option: setting}))


@pytest.mark.parametrize(
    ("option", "setting", "header", "value"),
    [
        ("hsts", {"max_age": 123}, "strict-transport-security", "max-age=123; includeSubDomains"),
        ("no_sniff", False, "x-content-type-options", None),
        ("dns_prefetch_control", {"allow": True}, "x-dns-prefetch-control", "on"),
        ("ie_no_open", False, "x-download-options", None),
        ("frameguard", {"action": "deny"}, "x-frame-options", "DENY"),
        (
            "permitted_cross_domain_policies",
            {"permitted_policies": "by-content-type"},
            "x-permitted-cross-domain-policies",
            "by-content-type",
        ),
        ("hide_powered_by", False, "x-powered-by", "Helmet test"),
        ("xss_filter", False, "x-xss-protection", None),
    ],
)
async def test_legacy_option_names(
    client: ClientFor, option: str, setting: Any, header: str, value: str | None
) -> None:
    await check(client, {header: value}, helmet(**{option: setting}))


@pytest.mark.parametrize(
    ("new", "legacy", "header"),
    [
        ("strict_transport_security", "hsts", "Strict-Transport-Security"),
        ("x_content_type_options", "no_sniff", "X-Content-Type-Options"),
        ("x_dns_prefetch_control", "dns_prefetch_control", "X-DNS-Prefetch-Control"),
        ("x_download_options", "ie_no_open", "X-Download-Options"),
        ("x_frame_options", "frameguard", "X-Frame-Options"),
        (
            "x_permitted_cross_domain_policies",
            "permitted_cross_domain_policies",
            "X-Permitted-Cross-Domain-Policies",
        ),
        ("x_powered_by", "hide_powered_by", "X-Powered-By"),
        ("x_xss_protection", "xss_filter", "X-XSS-Protection"),
    ],
)
def test_a_part_given_under_both_names_is_an_error(new: str, legacy: str, header: str) -> None:
    message = (
        f"{header} option was specified twice. Remove the `{legacy}` option to fix this error."
    )
    with pytest.raises(ValueError) as raised:
        helmet(**{new: True, legacy: True})
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("option", "header"),
    [
        ("x_powered_by", "X-Powered-By"),
        ("x_download_options", "X-Download-Options"),
        ("origin_agent_cluster", "Origin-Agent-Cluster"),
        ("x_content_type_options", "X-Content-Type-Options"),
        ("x_xss_protection", "X-XSS-Protection"),
    ],
)
async def test_options_to_a_part_that_takes_none_warn(
    client: ClientFor, option: str, header: str
) -> None:
    message = f"{header} does not take options. Remove the property to silence this warning."
    with pytest.warns(UserWarning) as warned:
        middleware = helmet(**{option: {"set_to": "x"}})
    assert [str(w.message) for w in warned] == [message]
    await check(client, {header.lower(): DEFAULT_HEADERS[header.lower()]}, middleware)


@pytest.mark.parametrize("setting", ["yes", 1, ["a"]], ids=["str", "int", "list"])
def test_a_setting_that_is_not_a_bool_or_dict_is_a_type_error(setting: Any) -> None:
    with pytest.raises(TypeError, match="must be True, False or a dict of options"):
        helmet(x_frame_options=setting)


def test_an_unknown_part_option_is_a_type_error_with_a_hint() -> None:
    with pytest.raises(TypeError, match=r"unexpected option 'permittedPolicies' \(did you mean"):
        helmet(x_permitted_cross_domain_policies={"permittedPolicies": "all"})


@pytest.mark.parametrize("key", ["maxage", "maxAge"])
def test_hsts_maxage_spelling_is_caught(key: str) -> None:
    with pytest.raises(TypeError, match="Did you mean to pass `max_age`"):
        helmet(hsts={key: 1234})


@pytest.mark.parametrize("key", ["include_subdomains", "includeSubdomains"])
def test_hsts_include_subdomains_spelling_is_caught(key: str) -> None:
    with pytest.raises(TypeError, match="should use `include_sub_domains`"):
        helmet(strict_transport_security={key: False})


async def test_the_parts_one_by_one(client: ClientFor) -> None:
    """koa-helmet's "sets individual headers properly"."""
    await check(
        client,
        {
            "content-security-policy": DEFAULT_CSP,
            "cross-origin-embedder-policy": "require-corp",
            "cross-origin-opener-policy": "same-origin",
            "cross-origin-resource-policy": "same-origin",
            "x-dns-prefetch-control": "off",
            "referrer-policy": "no-referrer",
            "x-download-options": "noopen",
            "strict-transport-security": "max-age=31536000; includeSubDomains",
            "x-frame-options": "DENY",
            "x-content-type-options": "nosniff",
            "x-permitted-cross-domain-policies": "none",
            "x-xss-protection": "0",
        },
        hsts(),
        content_security_policy(),
        cross_origin_embedder_policy(),
        cross_origin_opener_policy(),
        cross_origin_resource_policy(),
        dns_prefetch_control(allow=False),
        ie_no_open(),
        referrer_policy(),
        xss_filter(),
        frameguard(action="deny"),
        no_sniff(),
        permitted_cross_domain_policies(),
    )


def test_legacy_names_are_the_same_functions() -> None:
    m = helmet_module
    assert m.hsts is m.strict_transport_security
    assert m.no_sniff is m.x_content_type_options
    assert m.dns_prefetch_control is m.x_dns_prefetch_control
    assert m.ie_no_open is m.x_download_options
    assert m.frameguard is m.x_frame_options
    assert m.permitted_cross_domain_policies is m.x_permitted_cross_domain_policies
    assert m.hide_powered_by is m.x_powered_by
    assert m.xss_filter is m.x_xss_protection


def test_csp_carries_default_directives_and_the_disable_marker() -> None:
    assert content_security_policy.get_default_directives is helmet_module.get_default_directives
    assert (
        content_security_policy.dangerously_disable_default_src
        is helmet_module.DANGEROUSLY_DISABLE_DEFAULT_SRC
    )


async def test_downstream_can_override_a_header(client: ClientFor) -> None:
    async def framed(ctx: Context, next: Next) -> None:
        ctx.set("X-Frame-Options", "DENY")
        ctx.body = "framed"

    reply = await (await client(Koa().use(helmet()).use(framed))).get("/")
    assert reply.headers.getall("X-Frame-Options") == ["DENY"]


async def test_headers_are_on_404s_and_head_responses(client: ClientFor) -> None:
    c = await client(Koa().use(helmet()))
    for reply in (await c.get("/nothing"), await c.head("/nothing")):
        assert reply.status == 404
        assert reply.headers["Content-Security-Policy"] == DEFAULT_CSP
        assert reply.headers["X-Frame-Options"] == "SAMEORIGIN"


async def test_an_error_response_drops_the_headers_as_in_koa(client: ClientFor) -> None:
    # Koa's ctx.onerror removes every header set so far; koa-helmet's too.
    async def boom(ctx: Context, next: Next) -> None:
        raise RuntimeError("boom")

    reply = await (await client(Koa(silent=True).use(helmet()).use(boom))).get("/")
    assert reply.status == 500
    assert "Content-Security-Policy" not in reply.headers


async def test_an_error_handler_upstream_keeps_the_headers(client: ClientFor) -> None:
    async def handle_errors(ctx: Context, next: Next) -> None:
        try:
            await next()
        except RuntimeError:
            ctx.status = 500
            ctx.body = "Something broke"

    async def boom(ctx: Context, next: Next) -> None:
        raise RuntimeError("boom")

    app = Koa().use(helmet()).use(handle_errors).use(boom)
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.text) == (500, "Something broke")
    assert reply.headers["Content-Security-Policy"] == DEFAULT_CSP


async def test_streamed_and_file_bodies_get_the_headers(client: ClientFor, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<p>from a file</p>")

    async def bodies(ctx: Context, next: Next) -> None:
        if ctx.path == "/file":
            ctx.body = web.FileResponse(page)
        else:

            async def chunks() -> AsyncIterator[bytes]:
                yield b"streamed "
                yield b"body"

            ctx.body = chunks()

    c = await client(Koa().use(helmet()).use(bodies))
    for path in ("/file", "/stream"):
        reply = await c.get(path)
        assert reply.status == 200
        for name, value in DEFAULT_HEADERS.items():
            if value is not None:
                assert reply.headers[name] == value, (path, name)
