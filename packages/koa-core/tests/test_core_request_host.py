"""Where a request came from: host, hostname, protocol, secure, ip, ips,
subdomains, and the proxy headers that only count with ``proxy=True``.

Ported from Koa's ``__tests__/request/{host,hostname,ip,ips,protocol,secure,
subdomains}.test.js`` (K159-K164, K169-K174, K184, K189, K191, K194, K195).
HTTP/2 ``:authority`` lines are left out: aiohttp has no HTTP/2 server.
"""

from __future__ import annotations

import ssl
from unittest import mock

import pytest
from aiohttp.test_utils import make_mocked_request
from multidict import CIMultiDict

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, create_context


def context_from(
    peer: str | None, headers: dict[str, str] | None = None, app: Koa | None = None
) -> Context:
    """A unit context whose connection comes from *peer* (or has no address)."""
    transport = mock.Mock()
    transport.is_closing.return_value = False

    def extra(key: str, default: object = None) -> object:
        return (peer, 4000) if key == "peername" and peer is not None else default

    transport.get_extra_info.side_effect = extra
    req = make_mocked_request("GET", "/", headers=CIMultiDict(headers or {}), transport=transport)
    return (app or Koa()).create_context(req)


# -- host --------------------------------------------------------------------------


def test_host_includes_the_port() -> None:
    """Host includes the port (K159)."""
    assert create_context(headers={"Host": "foo.com:3000"}).host == "foo.com:3000"


def test_host_is_empty_without_a_host_header() -> None:
    """Host is empty without a host header (K159)."""
    assert create_context().host == ""


def test_forwarded_host_is_ignored_without_proxy() -> None:
    """Forwarded host is ignored without proxy (K161)."""
    ctx = create_context(headers={"Host": "foo.com", "X-Forwarded-Host": "bar.com"})
    assert ctx.host == "foo.com"


def test_forwarded_host_first_value_is_used_with_proxy() -> None:
    """Forwarded host first value is used with proxy (K161)."""
    ctx = create_context(
        headers={"Host": "foo.com", "X-Forwarded-Host": "bar.com, baz.com"}, app=Koa(proxy=True)
    )
    assert ctx.host == "bar.com"


@pytest.mark.parametrize(
    ("header", "host", "hostname"),
    [
        ("evil.com:fake@legitimate.com", "legitimate.com", "legitimate.com"),
        ("user@example.com", "example.com", "example.com"),
        ("user:pass@example.com:8080", "example.com:8080", "example.com"),
        ("user@", "", ""),
    ],
)
def test_host_drops_userinfo(header: str, host: str, hostname: str) -> None:
    """Host drops userinfo (K162, K164)."""
    ctx = create_context(headers={"Host": header})
    assert (ctx.host, ctx.hostname) == (host, hostname)


def test_forwarded_host_drops_userinfo_with_proxy() -> None:
    """Forwarded host drops userinfo with proxy (K162, K164)."""
    ctx = create_context(
        headers={"Host": "foo.com", "X-Forwarded-Host": "evil.com:fake@legitimate.com"},
        app=Koa(proxy=True),
    )
    assert (ctx.host, ctx.hostname) == ("legitimate.com", "legitimate.com")


# -- hostname ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "hostname"),
    [
        ("foo.com:3000", "foo.com"),
        ("[::1]", "[::1]"),
        ("[::1]:80", "[::1]"),
        ("[::1]:1337", "[::1]"),
        ("[2001:cdba:0000:0000:0000:0000:3257:9652]:1337", "[2001:cdba::3257:9652]"),
        ("[invalidIPv6]", ""),
        ("[::1]/x", ""),
        ("[::1] ", "[::1]"),  # Koa 3.3 trims the host (splitCommaSeparatedValues)
        ("[::1], [::2]", "[::1]"),
    ],
)
def test_hostname_drops_the_port_and_normalises_ipv6(header: str, hostname: str) -> None:
    """K163 (and [3.3] IPv6 hardening)"""
    assert create_context(headers={"Host": header}).hostname == hostname


def test_hostname_is_empty_without_host() -> None:
    """Hostname is empty without host (K163)."""
    assert create_context().hostname == ""


def test_hostname_follows_the_proxy_setting() -> None:
    """Hostname follows the proxy setting (K164)."""
    headers = {"Host": "foo.com", "X-Forwarded-Host": "bar.com, baz.com"}
    assert create_context(headers=headers).hostname == "foo.com"
    assert create_context(headers=headers, app=Koa(proxy=True)).hostname == "bar.com"


# -- protocol and secure -------------------------------------------------------------


def test_protocol_is_https_over_tls() -> None:
    """Protocol is https over tls (K184, K189)."""
    ctx = create_context(sslcontext=ssl.create_default_context())
    assert (ctx.protocol, ctx.secure) == ("https", True)


def test_protocol_is_http_over_plain_connections() -> None:
    """Protocol is http over plain connections (K184)."""
    ctx = create_context()
    assert (ctx.protocol, ctx.secure) == ("http", False)


@pytest.mark.parametrize(
    ("proxy", "header", "expected"),
    [
        (True, "https, http", "https"),
        (True, "HTTPS", "https"),
        (True, "", "http"),
        (False, "https", "http"),
    ],
)
def test_forwarded_proto_counts_only_with_proxy(proxy: bool, header: str, expected: str) -> None:
    """K184 ([3.3] lower-cased)"""
    ctx = create_context(headers={"X-Forwarded-Proto": header}, app=Koa(proxy=proxy))
    assert ctx.protocol == expected
    assert ctx.secure is (expected == "https")


# -- ip and ips --------------------------------------------------------------------------


def test_ip_is_the_first_forwarded_address_with_proxy() -> None:
    """Ip is the first forwarded address with proxy (K169)."""
    ctx = context_from("127.0.0.2", {"X-Forwarded-For": "127.0.0.1"}, Koa(proxy=True))
    assert ctx.ip == "127.0.0.1"


def test_empty_first_forwarded_address_falls_back_to_the_peer() -> None:
    """K169 (Koa: ``ips[0] || remoteAddress``)"""
    ctx = context_from("127.0.0.2", {"X-Forwarded-For": ", 1.2.3.4"}, Koa(proxy=True))
    assert ctx.ips == ["", "1.2.3.4"]
    assert ctx.ip == "127.0.0.2"


def test_ip_is_the_peer_address_without_forwarded_for() -> None:
    """Ip is the peer address without forwarded for (K169)."""
    assert context_from("127.0.0.2", app=Koa(proxy=True)).ip == "127.0.0.2"


def test_ip_is_empty_without_a_peer_address() -> None:
    """Ip is empty without a peer address (K169)."""
    assert context_from(None).ip == ""


def test_ip_is_computed_once_and_assignable() -> None:
    """Ip is computed once and assignable (K170)."""
    ctx = context_from("127.0.0.2", app=Koa(proxy=True))
    assert ctx.ip == "127.0.0.2"
    ctx.request.headers = {"X-Forwarded-For": "10.0.0.1"}
    assert ctx.ip == "127.0.0.2"
    ctx.request.ip = "127.0.0.1"
    assert ctx.ip == "127.0.0.1"
    ctx.ip = "127.0.0.3"
    assert ctx.request.ip == "127.0.0.3"


@pytest.mark.parametrize(("proxy", "expected"), [(False, []), (True, ["127.0.0.1", "127.0.0.2"])])
def test_ips_need_proxy(proxy: bool, expected: list[str]) -> None:
    """Ips need proxy (K171)."""
    ctx = create_context(headers={"X-Forwarded-For": "127.0.0.1,127.0.0.2"}, app=Koa(proxy=proxy))
    assert ctx.ips == expected


@pytest.mark.parametrize(("proxy", "expected"), [(False, []), (True, ["127.0.0.1", "127.0.0.2"])])
def test_ips_read_the_configured_header(proxy: bool, expected: list[str]) -> None:
    """Ips read the configured header (K172)."""
    app = Koa(proxy=proxy, proxy_ip_header="x-client-ip")
    ctx = create_context(headers={"X-Client-IP": "127.0.0.1,127.0.0.2"}, app=app)
    assert ctx.ips == expected


@pytest.mark.parametrize(("proxy", "expected"), [(False, []), (True, ["127.0.0.2"])])
def test_ips_keep_the_last_max_ips_count(proxy: bool, expected: list[str]) -> None:
    """Ips keep the last max ips count (K173)."""
    app = Koa(proxy=proxy, max_ips_count=1)
    ctx = create_context(headers={"X-Forwarded-For": "127.0.0.1,127.0.0.2"}, app=app)
    assert ctx.ips == expected


def test_proxy_settings_together() -> None:
    """Proxy settings together (K174)."""
    app = Koa(proxy=True, max_ips_count=2)
    ctx = create_context(
        headers={
            "X-Forwarded-For": "1.1.1.1, 2.2.2.2, 3.3.3.3",
            "X-Forwarded-Host": "a.com, b.com",
            "X-Forwarded-Proto": "HTTPS, http",
        },
        app=app,
    )
    assert (ctx.host, ctx.protocol) == ("a.com", "https")
    assert ctx.ips == ["2.2.2.2", "3.3.3.3"]
    assert ctx.ip == "2.2.2.2"


def test_ip_from_a_custom_proxy_header() -> None:
    """Ip from a custom proxy header (K174)."""
    app = Koa(proxy=True, proxy_ip_header="X-Real-IP")
    ctx = context_from("127.0.0.9", {"X-Real-IP": "9.9.9.9", "X-Forwarded-For": "6.6.6.6"}, app)
    assert ctx.ip == "9.9.9.9"


# -- subdomains ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "host", "expected"),
    [
        (2, "tobi.ferrets.example.com", ["ferrets", "tobi"]),
        (3, "tobi.ferrets.example.com", ["tobi"]),
        (2, "", []),
        (2, "127.0.0.1:3000", []),
        (2, "[::1]:3000", []),
        (3, "a.b.example.co.uk", ["b", "a"]),
    ],
)
def test_subdomains(offset: int, host: str, expected: list[str]) -> None:
    """Subdomains (K191)."""
    headers = {"Host": host} if host else {}
    ctx = create_context(headers=headers, app=Koa(subdomain_offset=offset))
    assert ctx.subdomains == expected


# -- through HTTP -----------------------------------------------------------------------


async def test_request_location_through_http(client: ClientFor) -> None:
    """Request location through http (K194)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = {
            "href": ctx.href,
            "origin": ctx.origin,
            "host": ctx.host,
            "hostname": ctx.hostname,
            "protocol": ctx.protocol,
            "secure": ctx.secure,
            "subdomains": ctx.subdomains,
            "ip": ctx.ip,
            "ips": ctx.ips,
            "URL": str(ctx.URL),
        }

    app = Koa()
    app.use(mw)
    reply = await (await client(app)).get(
        "/a?b=1", headers={"Host": "tobi.ferrets.example.com:3000", "Origin": "http://o.example"}
    )
    data = reply.json()
    assert data == {
        "href": "http://tobi.ferrets.example.com:3000/a?b=1",
        "origin": "http://o.example",
        "host": "tobi.ferrets.example.com:3000",
        "hostname": "tobi.ferrets.example.com",
        "protocol": "http",
        "secure": False,
        "subdomains": ["ferrets", "tobi"],
        "ip": "127.0.0.1",
        "ips": [],
        "URL": "http://tobi.ferrets.example.com:3000/a?b=1",
    }


async def test_forwarded_headers_are_ignored_without_proxy(client: ClientFor) -> None:
    """K195 (robustness: X-Forwarded-* cannot spoof host, protocol or ip)"""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = {"host": ctx.host, "protocol": ctx.protocol, "ips": ctx.ips, "ip": ctx.ip}

    app = Koa()
    app.use(mw)
    reply = await (await client(app)).get(
        "/",
        headers={
            "Host": "real.example",
            "X-Forwarded-Host": "evil.example",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "6.6.6.6",
        },
    )
    assert reply.json() == {
        "host": "real.example",
        "protocol": "http",
        "ips": [],
        "ip": "127.0.0.1",
    }


async def test_forwarded_headers_count_with_proxy(client: ClientFor) -> None:
    """K195 (the same request through a trusted proxy)"""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = {"host": ctx.host, "protocol": ctx.protocol, "ips": ctx.ips, "ip": ctx.ip}

    app = Koa(proxy=True)
    app.use(mw)
    reply = await (await client(app)).get(
        "/",
        headers={
            "Host": "real.example",
            "X-Forwarded-Host": "evil.example",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "6.6.6.6",
        },
    )
    assert reply.json() == {
        "host": "evil.example",
        "protocol": "https",
        "ips": ["6.6.6.6"],
        "ip": "6.6.6.6",
    }
