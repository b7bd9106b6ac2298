"""The cors scenario's requests: @koa/cors 5's test suite as raw requests
(every option in its own app), preflight variants, credentials, origins,
errors carrying the headers, and malformed, repeated and non-ASCII input."""

from kit import raw, req

ORIGIN = ("Origin", "http://koajs.com")
PUT = ("Access-Control-Request-Method", "PUT")


def simple(app: str, path: str = "/", *extra: tuple[str, str]) -> list:
    """GET with and without an Origin, POST and HEAD with one."""
    tag = f"{app}{path.replace('/', '-') if path != '/' else ''}"
    return [
        req(f"{tag}-get", "GET", path, [ORIGIN, *extra], app=app),
        req(f"{tag}-get-no-origin", "GET", path, list(extra), app=app),
        req(f"{tag}-post", "POST", path, [ORIGIN, ("Content-Type", "text/plain")], "x", app=app),
        req(f"{tag}-head", "HEAD", path, [ORIGIN], app=app),
    ]


def preflights(app: str, path: str = "/") -> list:
    """A preflight, one with requested headers and private network, a plain OPTIONS."""
    tag = f"{app}{path.replace('/', '-') if path != '/' else ''}"
    return [
        req(f"{tag}-preflight", "OPTIONS", path, [ORIGIN, PUT], app=app),
        req(
            f"{tag}-preflight-headers",
            "OPTIONS",
            path,
            [
                ORIGIN,
                ("Access-Control-Request-Method", "DELETE"),
                ("Access-Control-Request-Headers", "X-PINGOTHER, Content-Type"),
                ("Access-Control-Request-Private-Network", "true"),
            ],
            app=app,
        ),
        req(f"{tag}-options-not-preflight", "OPTIONS", path, [ORIGIN], app=app),
    ]


REQUESTS = [
    # default options
    *simple("main"),
    *preflights("main"),
    req("main-preflight-no-origin", "OPTIONS", "/", [PUT]),
    req(
        "main-preflight-empty-method",
        "OPTIONS",
        "/",
        [ORIGIN, ("Access-Control-Request-Method", "")],
    ),
    req(
        "main-preflight-lowercase-names",
        "OPTIONS",
        "/",
        [
            ("origin", "http://koajs.com"),
            ("access-control-request-method", "PATCH"),
            ("access-control-request-headers", "x-a"),
        ],
    ),
    req("main-not-found", "GET", "/missing", [ORIGIN]),
    req("main-preflight-not-found", "OPTIONS", "/missing", [ORIGIN, PUT]),
    # errors keep the headers (keepHeadersOnError, default true)
    req("main-error", "GET", "/error", [ORIGIN]),
    req("main-error-preflight", "OPTIONS", "/error", [ORIGIN, PUT]),
    req("main-vary-error", "GET", "/vary-error", [ORIGIN]),
    req("main-vary-star-error", "GET", "/vary-star-error", [ORIGIN]),
    req("main-vary-origin-error", "GET", "/vary-origin-error", [ORIGIN]),
    req("main-401", "GET", "/401", [ORIGIN]),
    req("reflect-error", "GET", "/error", [ORIGIN], app="reflect"),
    req("credentials-error", "GET", "/error", [ORIGIN], app="credentials"),
    req("expose-error", "GET", "/error", [ORIGIN], app="expose"),
    req("secure-error", "GET", "/error", [ORIGIN], app="secure"),
    req("no_keep-error", "GET", "/error", [ORIGIN], app="no_keep"),
    req("no_keep-401", "GET", "/401", [ORIGIN], app="no_keep"),
    *simple("no_keep"),
    # origin
    *simple("star"),
    *simple("fixed"),
    *preflights("fixed"),
    *simple("reflect"),
    *preflights("reflect"),
    req(
        "reflect-lowercase-origin",
        "GET",
        "/",
        [("origin", "http://origin.koajs.com")],
        app="reflect",
    ),
    *simple("fn"),
    *simple("fn", "/forbin"),
    *preflights("fn", "/forbin"),
    *simple("async_fn"),
    *simple("async_fn", "/forbin"),
    *preflights("async_fn"),
    *simple("allowlist"),
    req("allowlist-admin", "GET", "/", [("Origin", "https://admin.example")], app="allowlist"),
    req(
        "allowlist-app-preflight",
        "OPTIONS",
        "/",
        [("Origin", "https://app.example"), PUT],
        app="allowlist",
    ),
    req(
        "allowlist-evil-preflight",
        "OPTIONS",
        "/",
        [("Origin", "https://evil.example"), PUT],
        app="allowlist",
    ),
    req(
        "allowlist-app-error", "GET", "/error", [("Origin", "https://app.example")], app="allowlist"
    ),
    # credentials
    *simple("credentials"),
    *preflights("credentials"),
    *simple("credentials_fn"),
    *simple("credentials_fn", "/forbin"),
    *preflights("credentials_fn"),
    *preflights("credentials_fn", "/forbin"),
    *simple("star_credentials"),
    *preflights("star_credentials"),
    *simple("star_no_credentials"),
    # the other options
    *simple("expose"),
    *preflights("expose"),
    *simple("expose_str"),
    *preflights("max_age"),
    *simple("max_age"),
    *preflights("max_age_str"),
    *preflights("max_age_zero"),
    *preflights("allow_headers"),
    *preflights("allow_headers_list"),
    *preflights("methods_list"),
    *preflights("methods_null"),
    *simple("secure"),
    *preflights("secure"),
    *simple("pna"),
    *preflights("pna"),
    req(
        "pna-get-with-pna-request",
        "GET",
        "/",
        [ORIGIN, PUT, ("Access-Control-Request-Private-Network", "true")],
        app="pna",
    ),
    req(
        "main-preflight-pna-off",
        "OPTIONS",
        "/",
        [ORIGIN, PUT, ("Access-Control-Request-Private-Network", "true")],
    ),
    *simple("vary_before"),
    *preflights("vary_before"),
    # odd and hostile input, on the apps that reflect what the client sent
    req("reflect-null-origin", "GET", "/", [("Origin", "null")], app="reflect"),
    req("reflect-empty-origin", "GET", "/", [("Origin", "")], app="reflect"),
    req("credentials-empty-origin", "GET", "/", [("Origin", "")], app="credentials"),
    req("reflect-origin-spaces", "GET", "/", [("Origin", "  http://a.example  ")], app="reflect"),
    req(
        "reflect-origin-path", "GET", "/", [("Origin", "http://a.example/path?q#f")], app="reflect"
    ),
    req("reflect-origin-garbage", "GET", "/", [("Origin", "%%%<script>\"'")], app="reflect"),
    req(
        "reflect-origin-long",
        "GET",
        "/",
        [("Origin", "http://" + "a" * 4000 + ".example")],
        app="reflect",
    ),
    req(
        "reflect-origin-latin1-utf8",
        "GET",
        "/",
        [("Origin", "http://caf\u00e9.example")],
        app="reflect",
    ),
    req(
        "credentials-origin-latin1-utf8",
        "GET",
        "/",
        [("Origin", "http://caf\u00e9.example")],
        app="credentials",
    ),
    req("reflect-origin-snowman", "GET", "/", [("Origin", "http://\u2603.example")], app="reflect"),
    req(
        "credentials-origin-snowman-preflight",
        "OPTIONS",
        "/",
        [("Origin", "http://\u2603.example"), PUT],
        app="credentials",
    ),
    req(
        "reflect-origin-invalid-utf8",
        "GET",
        "/",
        [("Origin", b"http://\xff\xfe.example")],
        app="reflect",
    ),
    req("main-origin-snowman", "GET", "/", [("Origin", "http://\u2603.example")]),
    req(
        "reflect-two-origins",
        "GET",
        "/",
        [ORIGIN, ("Origin", "http://other.example")],
        app="reflect",
    ),
    req(
        "main-preflight-two-methods",
        "OPTIONS",
        "/",
        [ORIGIN, PUT, ("Access-Control-Request-Method", "GET")],
    ),
    req(
        "main-preflight-garbage-method",
        "OPTIONS",
        "/",
        [ORIGIN, ("Access-Control-Request-Method", "%%%, ;;")],
    ),
    req(
        "main-preflight-huge-headers",
        "OPTIONS",
        "/",
        [ORIGIN, PUT, ("Access-Control-Request-Headers", ",".join(f"x-h{i}" for i in range(600)))],
    ),
    req(
        "main-preflight-snowman-headers",
        "OPTIONS",
        "/",
        [ORIGIN, PUT, ("Access-Control-Request-Headers", "x-\u2603")],
    ),
    req(
        "main-preflight-latin1-headers",
        "OPTIONS",
        "/",
        [ORIGIN, PUT, ("Access-Control-Request-Headers", "x-caf\u00e9")],
    ),
    raw(
        "main-preflight-http10",
        b"OPTIONS / HTTP/1.0\r\nOrigin: http://koajs.com\r\n"
        b"Access-Control-Request-Method: PUT\r\n\r\n",
    ),
    req("main-delete", "DELETE", "/", [ORIGIN]),
    req("main-patch", "PATCH", "/", [ORIGIN]),
]
