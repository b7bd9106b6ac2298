"""The one-header parts of helmet 8, each checked as helmet checks it.

Each function returns the :class:`~._build.Part` for its header; a value
helmet refuses is a ``ValueError`` with helmet's message (option names in
snake_case).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta

from ._build import Part, js_repr

__all__ = [
    "coep_part",
    "coop_part",
    "corp_part",
    "hsts_part",
    "origin_agent_cluster_part",
    "referrer_policy_part",
    "x_content_type_options_part",
    "x_dns_prefetch_control_part",
    "x_download_options_part",
    "x_frame_options_part",
    "x_permitted_cross_domain_policies_part",
    "x_powered_by_part",
    "x_xss_protection_part",
]

_COEP = ("require-corp", "credentialless", "unsafe-none")
_COOP = ("same-origin", "same-origin-allow-popups", "noopener-allow-popups", "unsafe-none")
_CORP = ("same-origin", "same-site", "cross-origin")
_REFERRER_TOKENS = (
    "no-referrer",
    "no-referrer-when-downgrade",
    "same-origin",
    "origin",
    "strict-origin",
    "origin-when-cross-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
    "",
)
_PERMITTED_POLICIES = ("none", "master-only", "by-content-type", "all")
HSTS_DEFAULT_MAX_AGE = 365 * 24 * 60 * 60


def _policy(header: str, policy: object, allowed: tuple[str, ...]) -> str:
    if isinstance(policy, str) and policy in allowed:
        return policy
    raise ValueError(f"{header} does not support the {js_repr(policy)} policy")


def coep_part(policy: str) -> Part:
    """``Cross-Origin-Embedder-Policy``."""
    header = "Cross-Origin-Embedder-Policy"
    return Part(header, _policy(header, policy, _COEP))


def coop_part(policy: str) -> Part:
    """``Cross-Origin-Opener-Policy``."""
    header = "Cross-Origin-Opener-Policy"
    return Part(header, _policy(header, policy, _COOP))


def corp_part(policy: str) -> Part:
    """``Cross-Origin-Resource-Policy``."""
    header = "Cross-Origin-Resource-Policy"
    return Part(header, _policy(header, policy, _CORP))


def origin_agent_cluster_part() -> Part:
    """``Origin-Agent-Cluster: ?1``."""
    return Part("Origin-Agent-Cluster", "?1")


def referrer_policy_part(policy: str | Sequence[str]) -> Part:
    """``Referrer-Policy``: one token or several, comma-joined."""
    tokens = [policy] if isinstance(policy, str) else policy
    if not isinstance(tokens, Sequence):
        raise ValueError(f"Referrer-Policy received an unexpected policy token {js_repr(policy)}")
    if len(tokens) == 0:
        raise ValueError("Referrer-Policy received no policy tokens")
    seen: set[str] = set()
    for token in tokens:
        if not isinstance(token, str) or token not in _REFERRER_TOKENS:
            raise ValueError(
                f"Referrer-Policy received an unexpected policy token {js_repr(token)}"
            )
        if token in seen:
            raise ValueError(f"Referrer-Policy received a duplicate policy token {js_repr(token)}")
        seen.add(token)
    return Part("Referrer-Policy", ",".join(tokens))


def _max_age(value: object) -> int:
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and value >= 0
        and math.isfinite(value)
    ):
        return math.floor(value)
    raise ValueError(
        f"Strict-Transport-Security: {js_repr(value)} is not a valid value for max_age. "
        "Please choose a positive integer."
    )


def hsts_part(max_age: float | timedelta, include_sub_domains: bool, preload: bool) -> Part:
    """``Strict-Transport-Security``: ``max-age=N[; includeSubDomains][; preload]``."""
    directives = [f"max-age={_max_age(max_age)}"]
    if include_sub_domains:
        directives.append("includeSubDomains")
    if preload:
        directives.append("preload")
    return Part("Strict-Transport-Security", "; ".join(directives))


def x_content_type_options_part() -> Part:
    """``X-Content-Type-Options: nosniff``."""
    return Part("X-Content-Type-Options", "nosniff")


def x_dns_prefetch_control_part(allow: bool) -> Part:
    """``X-DNS-Prefetch-Control: on`` or ``off``."""
    return Part("X-DNS-Prefetch-Control", "on" if allow else "off")


def x_download_options_part() -> Part:
    """``X-Download-Options: noopen``."""
    return Part("X-Download-Options", "noopen")


def x_frame_options_part(action: str) -> Part:
    """``X-Frame-Options: SAMEORIGIN`` or ``DENY`` (any case; ``same-origin`` too)."""
    normalized = action.upper() if isinstance(action, str) else None
    if normalized == "SAME-ORIGIN":
        normalized = "SAMEORIGIN"
    if normalized not in ("DENY", "SAMEORIGIN"):
        raise ValueError(f"X-Frame-Options received an invalid action {js_repr(action)}")
    return Part("X-Frame-Options", normalized)


def x_permitted_cross_domain_policies_part(permitted_policies: str) -> Part:
    """``X-Permitted-Cross-Domain-Policies``."""
    if not isinstance(permitted_policies, str) or permitted_policies not in _PERMITTED_POLICIES:
        raise ValueError(
            f"X-Permitted-Cross-Domain-Policies does not support {js_repr(permitted_policies)}"
        )
    return Part("X-Permitted-Cross-Domain-Policies", permitted_policies)


def x_powered_by_part() -> Part:
    """Removes ``X-Powered-By`` (set by something upstream)."""
    return Part("X-Powered-By", None)


def x_xss_protection_part() -> Part:
    """``X-XSS-Protection: 0`` (the old XSS auditor did more harm than good)."""
    return Part("X-XSS-Protection", "0")
