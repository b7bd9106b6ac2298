"""The helmet scenario, Koa for Python side: the twin of app.js."""

from __future__ import annotations

from koa.core import Context, Koa, Middleware, Next
from koa.helmet import (
    DANGEROUSLY_DISABLE_DEFAULT_SRC,
    content_security_policy,
    cross_origin_embedder_policy,
    cross_origin_opener_policy,
    cross_origin_resource_policy,
    dns_prefetch_control,
    frameguard,
    helmet,
    hide_powered_by,
    hsts,
    ie_no_open,
    no_sniff,
    origin_agent_cluster,
    permitted_cross_domain_policies,
    referrer_policy,
    xss_filter,
)


async def powered_by(ctx: Context, next: Next) -> None:
    ctx.set("X-Powered-By", "Koa")
    await next()


async def routes(ctx: Context, next: Next) -> None:
    path = ctx.path
    if path == "/":
        ctx.body = "Hello world!"
    elif path == "/html":
        ctx.type = "html"
        ctx.body = "<p>hi</p>"
    elif path == "/json":
        ctx.body = {"hello": "world"}
    elif path == "/override":
        ctx.set("X-Frame-Options", "DENY")
        ctx.set("Content-Security-Policy", "default-src 'none'")
        ctx.body = "overridden"
    elif path == "/error":
        raise RuntimeError("boom")
    elif path == "/401":
        ctx.throw(401, "Please log in")


def make(*middleware: Middleware) -> Koa:
    app = Koa(silent=True)
    app.use(powered_by)
    for mw in middleware:
        app.use(mw)
    app.use(routes)
    return app


def nonce(ctx: Context) -> str:
    return f"'nonce-{ctx.get('X-Nonce') or 'none'}'"


PARTS = (
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

apps = {
    "main": make(helmet()),
    "empty_options": make(helmet(**{})),
    "csp_off": make(helmet(content_security_policy=False)),
    "all_off": make(helmet(**dict.fromkeys(PARTS, False))),
    "all_on": make(helmet(**dict.fromkeys(PARTS, True))),
    "coep_credentialless": make(helmet(cross_origin_embedder_policy={"policy": "credentialless"})),
    "coep_unsafe_none": make(helmet(cross_origin_embedder_policy={"policy": "unsafe-none"})),
    "coop_popups": make(helmet(cross_origin_opener_policy={"policy": "same-origin-allow-popups"})),
    "coop_noopener": make(helmet(cross_origin_opener_policy={"policy": "noopener-allow-popups"})),
    "coop_unsafe_none": make(helmet(cross_origin_opener_policy={"policy": "unsafe-none"})),
    "corp_same_site": make(helmet(cross_origin_resource_policy={"policy": "same-site"})),
    "corp_cross_origin": make(helmet(cross_origin_resource_policy={"policy": "cross-origin"})),
    "referrer_list": make(
        helmet(referrer_policy={"policy": ["no-referrer", "strict-origin-when-cross-origin"]})
    ),
    "referrer_empty": make(helmet(referrer_policy={"policy": ""})),
    "referrer_unsafe_url": make(helmet(referrer_policy={"policy": "unsafe-url"})),
    "hsts_custom": make(helmet(strict_transport_security={"max_age": 123, "preload": True})),
    "hsts_no_sub": make(helmet(strict_transport_security={"include_sub_domains": False})),
    "hsts_float": make(helmet(strict_transport_security={"max_age": 123.9})),
    "hsts_zero": make(
        helmet(
            strict_transport_security={"max_age": 0, "include_sub_domains": False, "preload": True}
        )
    ),
    "xfo_deny": make(helmet(x_frame_options={"action": "deny"})),
    "xfo_dashed": make(helmet(x_frame_options={"action": "SAME-ORIGIN"})),
    "dns_allow": make(helmet(x_dns_prefetch_control={"allow": True})),
    "xpcdp_master_only": make(
        helmet(x_permitted_cross_domain_policies={"permitted_policies": "master-only"})
    ),
    "xpcdp_by_content_type": make(
        helmet(x_permitted_cross_domain_policies={"permitted_policies": "by-content-type"})
    ),
    "xpcdp_all": make(helmet(x_permitted_cross_domain_policies={"permitted_policies": "all"})),
    "legacy": make(
        helmet(
            hsts={"max_age": 42},
            no_sniff=False,
            dns_prefetch_control={"allow": True},
            ie_no_open=False,
            frameguard={"action": "deny"},
            permitted_cross_domain_policies={"permitted_policies": "all"},
            hide_powered_by=False,
            xss_filter=False,
        )
    ),
    "csp_custom": make(
        helmet(
            content_security_policy={
                "directives": {
                    "scriptSrc": ["'self'", "cdn.example"],
                    "img-src": ["'self'", "data:", "https://images.example"],
                    "baseUri": None,
                    "sandbox": [],
                    "reportTo": "csp-endpoint",
                    "default-src": "'self'  'unsafe-eval'",
                }
            }
        )
    ),
    "csp_no_defaults": make(
        helmet(
            content_security_policy={
                "use_defaults": False,
                "directives": {"defaultSrc": "'self'", "report-uri": "/csp"},
            }
        )
    ),
    "csp_report_only": make(helmet(content_security_policy={"report_only": True})),
    "csp_no_default_src": make(
        helmet(
            content_security_policy={"directives": {"defaultSrc": DANGEROUSLY_DISABLE_DEFAULT_SRC}}
        )
    ),
    "csp_dynamic": make(
        helmet(
            content_security_policy={
                "directives": {"scriptSrc": ["'self'", nonce], "styleSrc": ["'self'", nonce]}
            }
        )
    ),
    "parts": make(
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
        hide_powered_by(),
        origin_agent_cluster(),
    ),
}
