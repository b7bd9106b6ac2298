"""helmet 8's suites for the one-header parts: HSTS, Referrer-Policy,
X-Frame-Options, X-DNS-Prefetch-Control, X-Permitted-Cross-Domain-Policies,
the Cross-Origin-* policies and X-Powered-By."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from koa.core import Context, Koa, Middleware, Next
from koa.core.testing import ClientFor
from koa.helmet import (
    cross_origin_embedder_policy,
    cross_origin_opener_policy,
    cross_origin_resource_policy,
    origin_agent_cluster,
    referrer_policy,
    strict_transport_security,
    x_content_type_options,
    x_dns_prefetch_control,
    x_download_options,
    x_frame_options,
    x_permitted_cross_domain_policies,
    x_powered_by,
    x_xss_protection,
)


async def hello(ctx: Context, next: Next) -> None:
    ctx.body = "Hello world!"


async def header(client: ClientFor, middleware: Middleware, name: str) -> str | None:
    async def powered_by(ctx: Context, next: Next) -> None:
        ctx.set("X-POWERED-BY", "should be destroyed")
        await next()

    app = Koa().use(powered_by).use(middleware).use(hello)
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.text) == (200, "Hello world!")
    values = reply.headers.getall(name, [])
    assert len(values) <= 1
    return values[0] if values else None


HSTS = "Strict-Transport-Security"


async def test_hsts_defaults_to_a_year_with_subdomains(client: ClientFor) -> None:
    assert 31536000 == 365 * 24 * 60 * 60
    value = await header(client, strict_transport_security(), HSTS)
    assert value == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize(
    ("max_age", "sent"),
    [
        (1234, "1234"),
        (0, "0"),
        (-0.0, "0"),
        (123.4, "123"),
        (123.5, "123"),
        (timedelta(days=1), "86400"),
        (timedelta(seconds=1.9), "1"),
    ],
    ids=["int", "zero", "minus-zero", "123.4", "123.5", "timedelta", "fractional-timedelta"],
)
async def test_hsts_max_age_is_a_whole_number_of_seconds(
    client: ClientFor, max_age: Any, sent: str
) -> None:
    value = await header(client, strict_transport_security(max_age=max_age), HSTS)
    assert value == f"max-age={sent}; includeSubDomains"


async def test_hsts_without_subdomains(client: ClientFor) -> None:
    value = await header(client, strict_transport_security(include_sub_domains=False), HSTS)
    assert value == "max-age=31536000"


@pytest.mark.parametrize(("preload", "suffix"), [(True, "; preload"), (False, "")])
async def test_hsts_preload(client: ClientFor, preload: bool, suffix: str) -> None:
    value = await header(client, strict_transport_security(preload=preload), HSTS)
    assert value == "max-age=31536000; includeSubDomains" + suffix


@pytest.mark.parametrize(
    "max_age",
    [-123, -0.1, float("inf"), float("-inf"), float("nan"), "123", True, False, {}, [], None],
    ids=["-123", "-0.1", "inf", "-inf", "nan", "str", "True", "False", "dict", "list", "None"],
)
def test_hsts_refuses_a_bad_max_age(max_age: Any) -> None:
    with pytest.raises(ValueError, match="is not a valid value for max_age"):
        strict_transport_security(max_age=max_age)


def test_hsts_refuses_a_negative_timedelta() -> None:
    with pytest.raises(ValueError, match="is not a valid value for max_age"):
        strict_transport_security(max_age=timedelta(seconds=-1))


REFERRER_TOKENS = [
    "no-referrer",
    "no-referrer-when-downgrade",
    "same-origin",
    "origin",
    "strict-origin",
    "origin-when-cross-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
    "",
]


async def test_referrer_policy_defaults_to_no_referrer(client: ClientFor) -> None:
    assert await header(client, referrer_policy(), "Referrer-Policy") == "no-referrer"


@pytest.mark.parametrize("token", REFERRER_TOKENS)
async def test_referrer_policy_token_as_string_or_list(client: ClientFor, token: str) -> None:
    assert await header(client, referrer_policy(policy=token), "Referrer-Policy") == token
    assert await header(client, referrer_policy(policy=[token]), "Referrer-Policy") == token


async def test_referrer_policy_several_tokens(client: ClientFor) -> None:
    mw = referrer_policy(policy=["origin", "unsafe-url"])
    assert await header(client, mw, "Referrer-Policy") == "origin,unsafe-url"


@pytest.mark.parametrize("policy", ["foo", "sameorigin", "ORIGIN", 123, False, None, {}], ids=str)
def test_referrer_policy_refuses_a_bad_token(policy: Any) -> None:
    with pytest.raises(ValueError, match="Referrer-Policy received an unexpected policy token"):
        referrer_policy(policy=policy)


def test_referrer_policy_refuses_an_empty_list() -> None:
    with pytest.raises(ValueError, match=r"^Referrer-Policy received no policy tokens$"):
        referrer_policy(policy=[])


@pytest.mark.parametrize(
    "policy", [["origin", "origin"], ["same-origin", "origin", "same-origin"]], ids=["2", "3"]
)
def test_referrer_policy_refuses_duplicates(policy: list[str]) -> None:
    with pytest.raises(ValueError, match="Referrer-Policy received a duplicate policy token"):
        referrer_policy(policy=policy)


FRAME = "X-Frame-Options"


async def test_frame_options_default_to_sameorigin(client: ClientFor) -> None:
    assert await header(client, x_frame_options(), FRAME) == "SAMEORIGIN"


@pytest.mark.parametrize("action", ["deny", "DENY", "deNY"])
async def test_frame_options_deny_in_any_case(client: ClientFor, action: str) -> None:
    assert await header(client, x_frame_options(action=action), FRAME) == "DENY"


@pytest.mark.parametrize(
    "action", ["sameorigin", "SAMEORIGIN", "sameORIGIN", "SAME-ORIGIN", "same-origin"]
)
async def test_frame_options_sameorigin_spellings(client: ClientFor, action: str) -> None:
    assert await header(client, x_frame_options(action=action), FRAME) == "SAMEORIGIN"


@pytest.mark.parametrize(
    "action", ["", "foo", " deny", "allow-from", "ALLOW-FROM", 123, None], ids=repr
)
def test_frame_options_refuse_a_bad_action(action: Any) -> None:
    with pytest.raises(ValueError, match=r"^X-Frame-Options received an invalid action "):
        x_frame_options(action=action)


@pytest.mark.parametrize(("allow", "sent"), [(False, "off"), (True, "on")])
async def test_dns_prefetch_control(client: ClientFor, allow: bool, sent: str) -> None:
    assert (
        await header(client, x_dns_prefetch_control(allow=allow), "X-DNS-Prefetch-Control") == sent
    )
    assert await header(client, x_dns_prefetch_control(), "X-DNS-Prefetch-Control") == "off"


XPCDP = "X-Permitted-Cross-Domain-Policies"


async def test_permitted_cross_domain_policies_default_to_none(client: ClientFor) -> None:
    assert await header(client, x_permitted_cross_domain_policies(), XPCDP) == "none"


@pytest.mark.parametrize("policy", ["none", "master-only", "by-content-type", "all"])
async def test_permitted_cross_domain_policies(client: ClientFor, policy: str) -> None:
    mw = x_permitted_cross_domain_policies(permitted_policies=policy)
    assert await header(client, mw, XPCDP) == policy


@pytest.mark.parametrize("policy", ["", "NONE", "by-ftp-filename", 123, None], ids=repr)
def test_permitted_cross_domain_policies_refuse_a_bad_value(policy: Any) -> None:
    with pytest.raises(ValueError, match=r"^X-Permitted-Cross-Domain-Policies does not support "):
        x_permitted_cross_domain_policies(permitted_policies=policy)


@pytest.mark.parametrize(
    ("factory", "name", "default", "policies"),
    [
        (
            cross_origin_embedder_policy,
            "Cross-Origin-Embedder-Policy",
            "require-corp",
            ["require-corp", "credentialless", "unsafe-none"],
        ),
        (
            cross_origin_opener_policy,
            "Cross-Origin-Opener-Policy",
            "same-origin",
            ["same-origin", "same-origin-allow-popups", "noopener-allow-popups", "unsafe-none"],
        ),
        (
            cross_origin_resource_policy,
            "Cross-Origin-Resource-Policy",
            "same-origin",
            ["same-origin", "same-site", "cross-origin"],
        ),
    ],
    ids=["coep", "coop", "corp"],
)
async def test_cross_origin_policies(
    client: ClientFor, factory: Any, name: str, default: str, policies: list[str]
) -> None:
    assert await header(client, factory(), name) == default
    for policy in policies:
        assert await header(client, factory(policy=policy), name) == policy
    for bad in ("", "foo", "SAME-ORIGIN", 123, None):
        with pytest.raises(ValueError, match=f"^{name} does not support the "):
            factory(policy=bad)


@pytest.mark.parametrize(
    ("factory", "name", "value"),
    [
        (origin_agent_cluster, "Origin-Agent-Cluster", "?1"),
        (x_content_type_options, "X-Content-Type-Options", "nosniff"),
        (x_download_options, "X-Download-Options", "noopen"),
        (x_xss_protection, "X-XSS-Protection", "0"),
    ],
    ids=["oac", "nosniff", "noopen", "xss"],
)
async def test_fixed_value_parts(client: ClientFor, factory: Any, name: str, value: str) -> None:
    assert await header(client, factory(), name) == value


async def test_x_powered_by_is_removed_when_set_upstream(client: ClientFor) -> None:
    assert await header(client, x_powered_by(), "X-Powered-By") is None


async def test_x_powered_by_set_downstream_stays(client: ClientFor) -> None:
    async def powered(ctx: Context, next: Next) -> None:
        ctx.set("X-Powered-By", "later")
        ctx.body = "ok"

    reply = await (await client(Koa().use(x_powered_by()).use(powered))).get("/")
    assert reply.headers["X-Powered-By"] == "later"
