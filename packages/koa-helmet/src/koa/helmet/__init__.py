"""koa-helmet: security headers for Koa for Python (koa-helmet 9 / helmet 8).

```python
from koa.core import Koa
from koa.helmet import helmet, strict_transport_security

app = Koa()
app.use(helmet())                                   # every header, helmet's defaults
app.use(helmet(content_security_policy=False))      # one part off
app.use(strict_transport_security(max_age=86400))   # or the parts one by one
```

The parts also have helmet's legacy names: ``hsts``, ``no_sniff``,
``dns_prefetch_control``, ``ie_no_open``, ``frameguard``,
``permitted_cross_domain_policies``, ``hide_powered_by`` and ``xss_filter``.
"""

from .__about__ import __version__
from ._csp import (
    DANGEROUSLY_DISABLE_DEFAULT_SRC,
    Directives,
    DirectiveValue,
    get_default_directives,
)
from ._helmet import PartOption, helmet
from ._parts import (
    ContentSecurityPolicy,
    content_security_policy,
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

# helmet's legacy aliases (the same functions).
hsts = strict_transport_security
no_sniff = x_content_type_options
dns_prefetch_control = x_dns_prefetch_control
ie_no_open = x_download_options
frameguard = x_frame_options
permitted_cross_domain_policies = x_permitted_cross_domain_policies
hide_powered_by = x_powered_by
xss_filter = x_xss_protection

__all__ = [
    "DANGEROUSLY_DISABLE_DEFAULT_SRC",
    "ContentSecurityPolicy",
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
