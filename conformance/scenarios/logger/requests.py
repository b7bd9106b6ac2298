"""The logger scenario's requests: koa-logger's lines for every kind of
answer (buffered, streamed, empty, redirects, errors, unhandled 404), lengths
(b, kb, mb), methods, URLs with queries and non-ASCII, and its transporter
option (an options object or a bare function)."""

import re

from kit import raw, req

#: The lines koa-logger prints (and a transporter's, prefixed by the app).
LOG_PATTERN = r"^(T\| |F\| )?\s+(<--|-->|xxx|-x-) "
LOG_LINES = 2

_TIME = re.compile(r" \d[\d,]*m?s ")


def normalize_log(line: str) -> str:
    """Durations differ from run to run: ``12ms`` becomes ``<time>``."""
    return _TIME.sub(" <time> ", line)


PATHS = [
    "/200",
    "/200-stream",
    "/301",
    "/304",
    "/204",
    "/404",
    "/500",
    "/error",
    "/throw-400",
    "/json",
    "/empty",
    "/null",
    "/unicode",
    "/2kb",
    "/1500b",
    "/1mb",
    "/buffer",
    "/status-only",
    "/custom-status",
    "/length-header",
    "/unhandled",
]


def name(path: str) -> str:
    return path.strip("/")


REQUESTS = [
    *[req(f"get-{name(p)}", "GET", p) for p in PATHS],
    *[req(f"head-{name(p)}", "HEAD", p) for p in PATHS],
    *[
        req(f"post-{name(p)}", "POST", p, [("Content-Type", "text/plain")], "body")
        for p in ["/200", "/json", "/unhandled", "/error"]
    ],
    *[req(f"transporter-{name(p)}", "GET", p, app="transporter") for p in PATHS],
    *[req(f"fn-{name(p)}", "GET", p, app="fn") for p in PATHS],
    req("query-string", "GET", "/200?a=1&b=%C3%A9"),
    req("encoded-path", "GET", "/caf%C3%A9?x=%20"),
    req("percent-literal", "GET", "/100%25"),
    req("absolute-form", "GET", "http://example.com/200?x=1"),
    req("long-url", "GET", "/unhandled?" + "q=" + "z" * 3000),
    req("format-specifier-in-url", "GET", "/%s%d%j%%?x=%o"),
    req("custom-method", "PURGE", "/200"),
    req("options", "OPTIONS", "/200"),
    req("delete", "DELETE", "/json"),
    req("http10", "GET", "/200", version="HTTP/1.0"),
    req("repeated-headers", "GET", "/200", [("X-A", "1"), ("X-A", "2")]),
    req("accept-json-error", "GET", "/error", [("Accept", "application/json")]),
    req("transporter-query", "GET", "/200?z=%E2%98%83", app="transporter"),
    req("transporter-head", "HEAD", "/2kb", app="transporter"),
    raw("malformed-no-log-line", b"GARBAGE\r\n\r\n"),
    raw("raw-utf8-url", "GET /é HTTP/1.1\r\nHost: x\r\n\r\n".encode()),
]
