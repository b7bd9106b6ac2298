"""``helmet(**options)``: every part with helmet 8's defaults, in helmet's order.

Each option is ``None``/``True`` (the part with its defaults), ``False`` (the
part off) or a dict of the part's options in snake_case. Cross-Origin-
Embedder-Policy is the one part that is off unless asked for. The legacy
names (``hsts``, ``frameguard``, ...) are accepted; giving both names of one
part is an error, as in helmet.
"""

from __future__ import annotations

import inspect
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeAlias

from koa.core import Middleware

from . import _headers as h
from ._build import Part, build
from ._csp import Directives, csp_part

__all__ = ["PartOption", "helmet"]

#: A part's setting in ``helmet()``: ``None``/``True`` (defaults), ``False``
#: (off) or a dict of its options (``{"max_age": 86400}``).
PartOption: TypeAlias = bool | Mapping[str, Any] | None


def _csp(
    *, directives: Directives | None = None, use_defaults: bool = True, report_only: bool = False
) -> Part:
    return csp_part(directives, use_defaults, report_only)


def _coep(*, policy: str = "require-corp") -> Part:
    return h.coep_part(policy)


def _coop(*, policy: str = "same-origin") -> Part:
    return h.coop_part(policy)


def _corp(*, policy: str = "same-origin") -> Part:
    return h.corp_part(policy)


def _referrer(*, policy: str | list[str] = "no-referrer") -> Part:
    return h.referrer_policy_part(policy)


def _hsts(
    *,
    max_age: float | timedelta = h.HSTS_DEFAULT_MAX_AGE,
    include_sub_domains: bool = True,
    preload: bool = False,
) -> Part:
    return h.hsts_part(max_age, include_sub_domains, preload)


def _dns(*, allow: bool = False) -> Part:
    return h.x_dns_prefetch_control_part(allow)


def _frame(*, action: str = "sameorigin") -> Part:
    return h.x_frame_options_part(action)


def _cross_domain(*, permitted_policies: str = "none") -> Part:
    return h.x_permitted_cross_domain_policies_part(permitted_policies)


@dataclass(frozen=True, slots=True)
class _Spec:
    option: str
    alias: str | None
    header: str
    make: Callable[..., Part]
    takes_options: bool = True
    on_by_default: bool = True


_SPECS = (
    _Spec("content_security_policy", None, "Content-Security-Policy", _csp),
    _Spec("cross_origin_embedder_policy", None, "Cross-Origin-Embedder-Policy", _coep,
          on_by_default=False),
    _Spec("cross_origin_opener_policy", None, "Cross-Origin-Opener-Policy", _coop),
    _Spec("cross_origin_resource_policy", None, "Cross-Origin-Resource-Policy", _corp),
    _Spec("origin_agent_cluster", None, "Origin-Agent-Cluster", h.origin_agent_cluster_part,
          takes_options=False),
    _Spec("referrer_policy", None, "Referrer-Policy", _referrer),
    _Spec("strict_transport_security", "hsts", "Strict-Transport-Security", _hsts),
    _Spec("x_content_type_options", "no_sniff", "X-Content-Type-Options",
          h.x_content_type_options_part, takes_options=False),
    _Spec("x_dns_prefetch_control", "dns_prefetch_control", "X-DNS-Prefetch-Control", _dns),
    _Spec("x_download_options", "ie_no_open", "X-Download-Options", h.x_download_options_part,
          takes_options=False),
    _Spec("x_frame_options", "frameguard", "X-Frame-Options", _frame),
    _Spec("x_permitted_cross_domain_policies", "permitted_cross_domain_policies",
          "X-Permitted-Cross-Domain-Policies", _cross_domain),
    _Spec("x_powered_by", "hide_powered_by", "X-Powered-By", h.x_powered_by_part,
          takes_options=False),
    _Spec("x_xss_protection", "xss_filter", "X-XSS-Protection", h.x_xss_protection_part,
          takes_options=False),
)  # fmt: skip

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def _snake(name: str) -> str:
    return _CAMEL.sub(lambda match: "_" + match.group(1).lower(), name)


def _check_keys(spec: _Spec, options: Mapping[str, Any]) -> None:
    allowed = set(inspect.signature(spec.make).parameters)
    for key in options:
        if key in allowed:
            continue
        if spec.option == "strict_transport_security":
            if key in ("maxage", "maxAge"):
                raise TypeError(
                    f"Strict-Transport-Security received an unsupported property, `{key}`. "
                    "Did you mean to pass `max_age`?"
                )
            if key in ("include_subdomains", "includeSubdomains", "includeSubDomains"):
                raise TypeError(
                    "Strict-Transport-Security middleware should use `include_sub_domains` "
                    f"instead of `{key}`."
                )
        snake = _snake(str(key))
        hint = f" (did you mean {snake!r}?)" if snake in allowed else ""
        raise TypeError(
            f"{spec.header}: unexpected option {key!r}{hint}; it takes "
            + ", ".join(sorted(allowed))
        )


def _part(spec: _Spec, setting: object) -> Part | None:
    if setting is False:
        return None
    if setting is None:
        return spec.make() if spec.on_by_default else None
    if setting is True:
        return spec.make()
    if not isinstance(setting, Mapping):
        raise TypeError(
            f"helmet(): {spec.option} must be True, False or a dict of options, got {setting!r}"
        )
    if not spec.takes_options:
        warnings.warn(
            f"{spec.header} does not take options. Remove the property to silence this warning.",
            UserWarning,
            stacklevel=3,
        )
        return spec.make()
    _check_keys(spec, setting)
    return spec.make(**setting)


def helmet(
    *,
    content_security_policy: PartOption = None,
    cross_origin_embedder_policy: PartOption = None,
    cross_origin_opener_policy: PartOption = None,
    cross_origin_resource_policy: PartOption = None,
    origin_agent_cluster: PartOption = None,
    referrer_policy: PartOption = None,
    strict_transport_security: PartOption = None,
    x_content_type_options: PartOption = None,
    x_dns_prefetch_control: PartOption = None,
    x_download_options: PartOption = None,
    x_frame_options: PartOption = None,
    x_permitted_cross_domain_policies: PartOption = None,
    x_powered_by: PartOption = None,
    x_xss_protection: PartOption = None,
    hsts: PartOption = None,
    no_sniff: PartOption = None,
    dns_prefetch_control: PartOption = None,
    ie_no_open: PartOption = None,
    frameguard: PartOption = None,
    permitted_cross_domain_policies: PartOption = None,
    hide_powered_by: PartOption = None,
    xss_filter: PartOption = None,
) -> Middleware:
    """Set helmet 8's security headers on every response (koa-helmet).

    By default: ``Content-Security-Policy`` (helmet's default directives),
    ``Cross-Origin-Opener-Policy: same-origin``, ``Cross-Origin-Resource-Policy:
    same-origin``, ``Origin-Agent-Cluster: ?1``, ``Referrer-Policy: no-referrer``,
    ``Strict-Transport-Security: max-age=31536000; includeSubDomains``,
    ``X-Content-Type-Options: nosniff``, ``X-DNS-Prefetch-Control: off``,
    ``X-Download-Options: noopen``, ``X-Frame-Options: SAMEORIGIN``,
    ``X-Permitted-Cross-Domain-Policies: none``, ``X-XSS-Protection: 0``, and
    ``X-Powered-By`` removed. ``Cross-Origin-Embedder-Policy`` only when asked.

    Each option is ``None`` or ``True`` (the part with its defaults), ``False``
    (off), or a dict of that part's options, the keyword arguments of the
    function of the same name (``strict_transport_security={"max_age": 86400}``,
    ``content_security_policy={"directives": {...}}``). The second names
    (``hsts``, ``no_sniff``, ``dns_prefetch_control``, ``ie_no_open``,
    ``frameguard``, ``permitted_cross_domain_policies``, ``hide_powered_by``,
    ``xss_filter``) are helmet's legacy aliases.

    Raises:
        ValueError: a bad value (helmet's messages), or a part given under
            both of its names.
        TypeError: an option of the wrong type or an unknown part option.
    """
    given = {
        "content_security_policy": content_security_policy,
        "cross_origin_embedder_policy": cross_origin_embedder_policy,
        "cross_origin_opener_policy": cross_origin_opener_policy,
        "cross_origin_resource_policy": cross_origin_resource_policy,
        "origin_agent_cluster": origin_agent_cluster,
        "referrer_policy": referrer_policy,
        "strict_transport_security": strict_transport_security,
        "x_content_type_options": x_content_type_options,
        "x_dns_prefetch_control": x_dns_prefetch_control,
        "x_download_options": x_download_options,
        "x_frame_options": x_frame_options,
        "x_permitted_cross_domain_policies": x_permitted_cross_domain_policies,
        "x_powered_by": x_powered_by,
        "x_xss_protection": x_xss_protection,
        "hsts": hsts,
        "no_sniff": no_sniff,
        "dns_prefetch_control": dns_prefetch_control,
        "ie_no_open": ie_no_open,
        "frameguard": frameguard,
        "permitted_cross_domain_policies": permitted_cross_domain_policies,
        "hide_powered_by": hide_powered_by,
        "xss_filter": xss_filter,
    }
    parts: list[Part] = []
    for spec in _SPECS:
        setting = given[spec.option]
        if spec.alias is not None:
            alias_setting = given[spec.alias]
            if setting is not None and alias_setting is not None:
                raise ValueError(
                    f"{spec.header} option was specified twice. Remove the `{spec.alias}` "
                    "option to fix this error."
                )
            if setting is None:
                setting = alias_setting
        part = _part(spec, setting)
        if part is not None:
            parts.append(part)
    return build(parts, "helmet")
