"""The helmet scenario's requests: helmet()'s defaults on every kind of
response, every option of every part in its own app, legacy names, the parts
one by one, CSP directives (custom, no defaults, report-only, no default-src,
per-request functions), and odd input."""

from kit import raw, req

APPS = [
    "empty_options", "csp_off", "all_off", "all_on", "coep_credentialless", "coep_unsafe_none",
    "coop_popups", "coop_noopener", "coop_unsafe_none", "corp_same_site", "corp_cross_origin",
    "referrer_list", "referrer_empty", "referrer_unsafe_url", "hsts_custom", "hsts_no_sub",
    "hsts_float", "hsts_zero", "xfo_deny", "xfo_dashed", "dns_allow", "xpcdp_master_only",
    "xpcdp_by_content_type", "xpcdp_all", "legacy", "csp_custom", "csp_no_defaults",
    "csp_report_only", "csp_no_default_src", "csp_dynamic", "parts",
]  # fmt: skip

REQUESTS = [
    # the defaults, on every kind of response
    req("main-get", "GET", "/"),
    req("main-head", "HEAD", "/"),
    req("main-options", "OPTIONS", "/"),
    req("main-post", "POST", "/", [("Content-Type", "text/plain")], "x"),
    req("main-html", "GET", "/html"),
    req("main-json", "GET", "/json"),
    req("main-not-found", "GET", "/missing"),
    req("main-head-not-found", "HEAD", "/missing"),
    req("main-override", "GET", "/override"),
    req("main-error", "GET", "/error"),
    req("main-401", "GET", "/401"),
    req("main-http10", "GET", "/", host=None, version="HTTP/1.0"),
    # every app: a page, and a 404
    *[req(f"{app}-get", "GET", "/", app=app) for app in APPS],
    *[req(f"{app}-not-found", "GET", "/missing", app=app) for app in APPS],
    *[req(f"{app}-json", "GET", "/json", app=app) for app in APPS],
    req("all_off-error", "GET", "/error", app="all_off"),
    req("parts-error", "GET", "/error", app="parts"),
    req("parts-head", "HEAD", "/html", app="parts"),
    # per-request CSP functions
    req("csp_dynamic-nonce", "GET", "/", [("X-Nonce", "abc123")], app="csp_dynamic"),
    req("csp_dynamic-nonce-latin1", "GET", "/", [("X-Nonce", "caf\u00e9")], app="csp_dynamic"),
    req("csp_dynamic-nonce-semicolon", "GET", "/", [("X-Nonce", "a;b")], app="csp_dynamic"),
    req("csp_dynamic-nonce-comma", "GET", "/", [("X-Nonce", "a,b")], app="csp_dynamic"),
    req("csp_dynamic-nonce-empty", "GET", "/", [("X-Nonce", "")], app="csp_dynamic"),
    req("csp_dynamic-nonce-long", "GET", "/", [("X-Nonce", "n" * 3000)], app="csp_dynamic"),
    req(
        "csp_dynamic-nonce-repeated",
        "GET",
        "/",
        [("X-Nonce", "one"), ("X-Nonce", "two")],
        app="csp_dynamic",
    ),
    # odd input never changes the headers
    req("main-odd-path", "GET", "/caf%C3%A9/%ff?<script>"),
    req("main-utf8-path", "GET", "/caf\u00e9"),
    req("main-huge-header", "GET", "/", [("X-Big", "b" * 7000)]),
    req("main-repeated-header", "GET", "/", [("X-Many", "a")] * 50),
    req("main-latin1-header", "GET", "/", [("X-Odd", b"\xff\xfe")]),
    req("main-powered-by-request", "GET", "/", [("X-Powered-By", "client")]),
    raw("main-asterisk-options", b"OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n"),
]
