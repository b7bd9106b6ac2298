"""The parts of helmet as middleware of their own (koa-helmet's
``helmet.contentSecurityPolicy()``, ``helmet.hsts()``, ...)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Final

from koa.core import Middleware

from . import _headers as h
from ._build import build
from ._csp import DANGEROUSLY_DISABLE_DEFAULT_SRC, Directives, csp_part, get_default_directives

__all__ = [
    "ContentSecurityPolicy",
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
]


class ContentSecurityPolicy:
    """The type of :data:`content_security_policy`: call it for the middleware;
    it also carries helmet's ``get_default_directives`` and
    ``dangerously_disable_default_src``."""

    __slots__ = ()

    #: helmet 8's default directives, a new dict on every call.
    get_default_directives: Final = staticmethod(get_default_directives)
    #: Give ``default-src`` this value to send a policy without one.
    dangerously_disable_default_src: Final = DANGEROUSLY_DISABLE_DEFAULT_SRC

    def __call__(
        self,
        *,
        directives: Directives | None = None,
        use_defaults: bool = True,
        report_only: bool = False,
    ) -> Middleware:
        """Set ``Content-Security-Policy`` (``Content-Security-Policy-Report-Only``
        with ``report_only=True``).

        Args:
            directives: ``{"script-src": ["'self'", "cdn.example"], ...}``. Names
                with dashes (``"script-src"``) or in camelCase (``"scriptSrc"``).
                A value is a string, an iterable of strings and functions of
                ``ctx`` (called per request, e.g. for a nonce), ``None`` to drop
                a default directive, or ``DANGEROUSLY_DISABLE_DEFAULT_SRC`` for
                ``default-src``.
            use_defaults: start from helmet's default directives (overridden
                one by one by *directives*).
            report_only: send the report-only header instead.

        Raises:
            ValueError: a bad directive name or value, with helmet's message.
        """
        return build([csp_part(directives, use_defaults, report_only)], "content_security_policy")

    def __repr__(self) -> str:
        return "content_security_policy"


#: ``content_security_policy(*, directives=None, use_defaults=True,
#: report_only=False)``: the ``Content-Security-Policy`` middleware.
content_security_policy: Final = ContentSecurityPolicy()


def cross_origin_embedder_policy(*, policy: str = "require-corp") -> Middleware:
    """Set ``Cross-Origin-Embedder-Policy``: ``"require-corp"``,
    ``"credentialless"`` or ``"unsafe-none"`` (``ValueError`` otherwise)."""
    return build([h.coep_part(policy)], "cross_origin_embedder_policy")


def cross_origin_opener_policy(*, policy: str = "same-origin") -> Middleware:
    """Set ``Cross-Origin-Opener-Policy``: ``"same-origin"``,
    ``"same-origin-allow-popups"``, ``"noopener-allow-popups"`` or ``"unsafe-none"``."""
    return build([h.coop_part(policy)], "cross_origin_opener_policy")


def cross_origin_resource_policy(*, policy: str = "same-origin") -> Middleware:
    """Set ``Cross-Origin-Resource-Policy``: ``"same-origin"``, ``"same-site"``
    or ``"cross-origin"``."""
    return build([h.corp_part(policy)], "cross_origin_resource_policy")


def origin_agent_cluster() -> Middleware:
    """Set ``Origin-Agent-Cluster: ?1``."""
    return build([h.origin_agent_cluster_part()], "origin_agent_cluster")


def referrer_policy(*, policy: str | Sequence[str] = "no-referrer") -> Middleware:
    """Set ``Referrer-Policy``: one token or a list (sent comma-separated),
    each one of the standard policies or ``""``; no duplicates."""
    return build([h.referrer_policy_part(policy)], "referrer_policy")


def strict_transport_security(
    *,
    max_age: float | timedelta = h.HSTS_DEFAULT_MAX_AGE,
    include_sub_domains: bool = True,
    preload: bool = False,
) -> Middleware:
    """Set ``Strict-Transport-Security``.

    Args:
        max_age: seconds (rounded down) or a ``timedelta``; default 365 days.
        include_sub_domains: add ``includeSubDomains``.
        preload: add ``preload``.
    """
    return build([h.hsts_part(max_age, include_sub_domains, preload)], "strict_transport_security")


def x_content_type_options() -> Middleware:
    """Set ``X-Content-Type-Options: nosniff``."""
    return build([h.x_content_type_options_part()], "x_content_type_options")


def x_dns_prefetch_control(*, allow: bool = False) -> Middleware:
    """Set ``X-DNS-Prefetch-Control: off`` (``on`` with ``allow=True``)."""
    return build([h.x_dns_prefetch_control_part(allow)], "x_dns_prefetch_control")


def x_download_options() -> Middleware:
    """Set ``X-Download-Options: noopen``."""
    return build([h.x_download_options_part()], "x_download_options")


def x_frame_options(*, action: str = "sameorigin") -> Middleware:
    """Set ``X-Frame-Options``: ``action="sameorigin"`` (``SAMEORIGIN``) or ``"deny"``."""
    return build([h.x_frame_options_part(action)], "x_frame_options")


def x_permitted_cross_domain_policies(*, permitted_policies: str = "none") -> Middleware:
    """Set ``X-Permitted-Cross-Domain-Policies``: ``"none"``, ``"master-only"``,
    ``"by-content-type"`` or ``"all"``."""
    return build(
        [h.x_permitted_cross_domain_policies_part(permitted_policies)],
        "x_permitted_cross_domain_policies",
    )


def x_powered_by() -> Middleware:
    """Remove ``X-Powered-By`` if something upstream set it."""
    return build([h.x_powered_by_part()], "x_powered_by")


def x_xss_protection() -> Middleware:
    """Set ``X-XSS-Protection: 0``."""
    return build([h.x_xss_protection_part()], "x_xss_protection")
