"""The public surface of koa.helmet is exactly the documented names, every
part has its function, and the README's example runs as it says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import koa.helmet
from koa.core import Koa
from koa.core.testing import ClientFor

README = Path(__file__).parent.parent / "README.md"


def test_helmet_exports_exactly_the_documented_names() -> None:
    assert sorted(koa.helmet.__all__) == [
        "ContentSecurityPolicy",
        "DANGEROUSLY_DISABLE_DEFAULT_SRC",
        "DirectiveValue",
        "Directives",
        "PartOption",
        "__version__",
        "content_security_policy",
        "cross_origin_embedder_policy",
        "cross_origin_opener_policy",
        "cross_origin_resource_policy",
        "dns_prefetch_control",
        "frameguard",
        "get_default_directives",
        "helmet",
        "hide_powered_by",
        "hsts",
        "ie_no_open",
        "no_sniff",
        "origin_agent_cluster",
        "permitted_cross_domain_policies",
        "referrer_policy",
        "strict_transport_security",
        "x_content_type_options",
        "x_dns_prefetch_control",
        "x_download_options",
        "x_frame_options",
        "x_permitted_cross_domain_policies",
        "x_powered_by",
        "x_xss_protection",
        "xss_filter",
    ]
    for name in koa.helmet.__all__:
        assert hasattr(koa.helmet, name)


def test_every_helmet_option_has_a_part_function() -> None:
    import inspect

    for option in inspect.signature(koa.helmet.helmet).parameters:
        assert callable(getattr(koa.helmet, option)), option


def readme_app() -> Koa:
    source = re.search(r"```python\n(.*?)```", README.read_text("utf-8"), re.DOTALL)
    assert source is not None
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(source.group(1), str(README), "exec"), namespace)
    app = namespace["app"]
    assert isinstance(app, Koa)
    app.silent = True
    return app


async def test_readme_example(client: ClientFor) -> None:
    c = await client(readme_app())
    reply = await c.get("/")
    assert reply.status == 200
    csp = reply.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'", csp)
    assert nonce is not None
    assert f'<script nonce="{nonce.group(1)}">' in reply.text
    assert "img-src 'self' data: https://images.example" in csp
    assert reply.headers["Strict-Transport-Security"] == "max-age=86400; includeSubDomains"
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    second = (await c.get("/")).headers["Content-Security-Policy"]
    assert second != csp  # a new nonce per request
