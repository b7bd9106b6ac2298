"""The mount scenario's requests: prefixes with and without a trailing slash,
Koa apps and plain middleware mounted, nesting, the root mount, what upstream
sees after the mount, errors inside a mounted app, encoded prefixes."""

from kit import raw, req

PATHS = [
    "/a",
    "/a/",
    "/a/x",
    "/a/x/y",
    "/a/x?q=1",
    "/a?q=1&q=2",
    "/ab",
    "/A",
    "/A/x",
    "/a//x",
    "/a%2Fx",
    "/a/%C3%A9",
    "/a.b",
    "/a.b/c",
    "/a/pass",
    "/b",
    "/b/",
    "/b/x",
    "/bx",
    "/b//x",
    "/b/pass",
    "/nested",
    "/nested/",
    "/nested/inner",
    "/nested/inner/",
    "/nested/inner/deep?x=1",
    "/nested/innerx",
    "/nested/other",
    "/nested/inner/pass",
    "/nested/pass",
    "/mw",
    "/mw/",
    "/mw/x",
    "/mwx",
    "/mw/pass",
    "/err",
    "/err/x",
    "/empty",
    "/empty/x",
    "/caf%C3%A9",
    "/caf%C3%A9/menu",
    "/caf%c3%a9/menu",
    "/",
    "/other",
    "/other/a",
    "/?q=root",
    "/%61/x",
]


def name(path: str) -> str:
    cleaned = (
        path.replace("/", "_")
        .replace("?", "Q")
        .replace("%", "pct")
        .replace("&", "and")
        .replace("=", "eq")
    )
    return cleaned[1:] or "root"


REQUESTS = [
    *[req(f"get{name(p) if name(p) == 'root' else '-' + name(p)}", "GET", p) for p in PATHS],
    *[
        req(f"head-{name(p)}", "HEAD", p)
        for p in [
            "/a/x",
            "/b/",
            "/nested/inner",
            "/err",
            "/empty",
            "/",
            "/b/x",
            "/mw/pass",
            "/nested/innerx",
            "/caf%C3%A9/menu",
        ]
    ],
    *[
        req(f"put-{name(p)}", "PUT", p, [("Content-Type", "text/plain")], "é body")
        for p in [
            "/a",
            "/a/",
            "/b",
            "/b/x",
            "/nested/inner/x",
            "/mw/x",
            "/empty",
            "/other",
            "/err/x",
            "/a.b/c",
        ]
    ],
    *[
        req(f"post-{name(p)}", "POST", p, [("Content-Type", "application/json")], b'{"a":1}')
        for p in ["/a/x", "/mw", "/nested/inner", "/err"]
    ],
    *[req(f"delete-{name(p)}", "DELETE", p) for p in ["/a", "/b/x", "/other"]],
    *[req(f"options-{name(p)}", "OPTIONS", p) for p in ["/a", "/mw/x"]],
    *[
        req(f"absolute-form-{name(p)}", "GET", "http://localhost" + p)
        for p in ["/a/x", "/nested/inner", "/b/"]
    ],
    *[
        req(f"accept-json-{name(p)}", "GET", p, [("Accept", "application/json")])
        for p in ["/err", "/a"]
    ],
    *[
        req(f"after-mount-{name(p)}", "GET", p + "?after=1")
        for p in ["/a/x", "/b/", "/nested/inner/x", "/mw", "/empty", "/other", "/a/pass"]
    ],
    req("query-only-a", "GET", "/a?"),
    req("query-only-trailing-prefix", "GET", "/b/?"),
    req("query-only-nested", "GET", "/nested/inner?"),
    req("query-encoded-a", "GET", "/a/x?name=caf%C3%A9&x=a+b"),
    req("double-question", "GET", "/a??x=1"),
    req("hash-in-target", "GET", "/a/x#frag"),
    req("dot-segment-out", "GET", "/a/../b/x"),
    req("dot-segment-in", "GET", "/a/./x"),
    req("very-long-path", "GET", "/a/" + "seg/" * 500),
    req("http10-mounted", "GET", "/a/x", version="HTTP/1.0"),
    req("repeated-header-mounted", "GET", "/a/x", [("X-A", "1"), ("X-A", "2")]),
    req("non-ascii-query", "GET", "/mw?q=%E2%98%83"),
    raw("raw-utf8-in-mount-path", "GET /a/é HTTP/1.1\r\nHost: x\r\n\r\n".encode()),
    raw("lowercase-method-mounted", b"get /a/x HTTP/1.1\r\nHost: x\r\n\r\n"),
    raw("no-host-http10-mounted", b"GET /nested/inner HTTP/1.0\r\n\r\n"),
]
