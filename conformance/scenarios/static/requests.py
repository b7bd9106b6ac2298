"""The static scenario's requests: koa-static's options (hidden, index, defer,
maxage + immutable, format, extensions, gzip/brotli) and koa-send used
directly; MIME types, precompressed files, traversal and malformed paths."""

from kit import pipeline, raw, req

FILES = [
    "/index.html",
    "/hello.txt",
    "/style.css",
    "/app.js",
    "/mod.mjs",
    "/data.json",
    "/image.svg",
    "/feed.rss",
    "/sound.ogg",
    "/doc.pdf",
    "/README",
    "/file.unknownext",
    "/large.txt",
    "/caf%C3%A9.txt",
    "/with%20space.txt",
    "/a%2520b.txt",
    "/sub/deeper/deep.txt",
    "/dir/page.html",
    "/noindex/file.txt",
]


def name(path: str) -> str:
    return path.strip("/").replace("/", "-").replace("%", "") or "root"


ENCODINGS = {
    "gzip": "gzip",
    "br": "br",
    "br-gzip": "gzip, deflate, br",
    "gzip-preferred": "gzip;q=1, br;q=0.5",
    "identity": "identity",
    "star": "*",
    "gzip-q0": "gzip;q=0, br;q=0",
    "identity-q0": "identity;q=0",
    "garbage": ";;q=,",
}

TRAVERSAL = [
    "/../app.js",
    "/%2e%2e/app.js",
    "/..%2fapp.js",
    "/..%2F..%2Fetc%2Fpasswd",
    "/dir/../../app.js",
    "/dir/%2e%2e/hello.txt",
    "/%00hello.txt",
    "/hello.txt%00.html",
    "/%E9",
    "/%",
    "/%zz",
    "//etc/passwd",
    "/..\\app.js",
    "/%5c..%5capp.js",
    "/C:/Windows/win.ini",
]

REQUESTS = [
    *[req(f"get-{name(p)}", "GET", p) for p in FILES],
    *[
        req(f"head-{name(p)}", "HEAD", p)
        for p in ["/hello.txt", "/index.html", "/large.txt", "/", "/missing.txt"]
    ],
    req("root-index", "GET", "/"),
    req("dir-index", "GET", "/dir/"),
    req("dir-no-slash", "GET", "/dir"),
    req("dir-without-index", "GET", "/noindex/"),
    req("dir-without-index-no-slash", "GET", "/noindex"),
    req("missing", "GET", "/missing.txt"),
    req("missing-downstream", "GET", "/downstream"),
    req("post-file", "POST", "/hello.txt", [("Content-Length", "0")]),
    req("put-file", "PUT", "/hello.txt", [("Content-Length", "0")]),
    req("delete-file", "DELETE", "/hello.txt"),
    req("options-file", "OPTIONS", "/hello.txt"),
    req("query-ignored", "GET", "/hello.txt?v=123"),
    req("trailing-slash-on-file", "GET", "/hello.txt/"),
    req("uppercase-name", "GET", "/HELLO.TXT"),
    req("raw-utf8-name", "GET", "/café.txt".encode()),
    req("hidden-file", "GET", "/.hidden"),
    req("hidden-dir-file", "GET", "/.dotdir/secret.txt"),
    req("hidden-encoded-dot", "GET", "/%2ehidden"),
    *[
        req(f"hello-accept-{k}", "GET", "/hello.txt", [("Accept-Encoding", v)])
        for k, v in ENCODINGS.items()
    ],
    *[
        req(f"style-accept-{k}", "GET", "/style.css", [("Accept-Encoding", v)])
        for k, v in ENCODINGS.items()
        if k in ("gzip", "br", "star")
    ],
    req("hello-head-gzip", "HEAD", "/hello.txt", [("Accept-Encoding", "gzip")]),
    req(
        "only-gz-with-gzip",
        "GET",
        "/only.txt",
        [("Accept-Encoding", "gzip")],
        note="issue 17 item 9",
    ),
    req("only-gz-without-gzip", "GET", "/only.txt"),
    req("gz-file-directly", "GET", "/hello.txt.gz"),
    req("br-file-directly", "GET", "/hello.txt.br", [("Accept-Encoding", "br")]),
    req(
        "repeated-accept-encoding",
        "GET",
        "/hello.txt",
        [("Accept-Encoding", "identity"), ("Accept-Encoding", "gzip")],
    ),
    *[req(f"traversal-{i:02d}", "GET", p) for i, p in enumerate(TRAVERSAL)],
    raw("traversal-raw-dotdot", b"GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"),
    req("conditional-if-none-match", "GET", "/hello.txt", [("If-None-Match", "*")]),
    req(
        "conditional-if-modified-since-future",
        "GET",
        "/hello.txt",
        [("If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT")],
    ),
    req("conditional-if-match-wrong", "GET", "/hello.txt", [("If-Match", '"nope"')]),
    req(
        "conditional-if-unmodified-since-past",
        "GET",
        "/hello.txt",
        [("If-Unmodified-Since", "Thu, 01 Jan 1970 00:00:00 GMT")],
    ),
    req("range-first-bytes", "GET", "/hello.txt", [("Range", "bytes=0-4")]),
    req("range-unsatisfiable", "GET", "/hello.txt", [("Range", "bytes=999-")]),
    req("range-garbage", "GET", "/hello.txt", [("Range", "pages=1")]),
    # keep-alive
    pipeline(
        "pipeline-head-large-then-get", req("", "HEAD", "/large.txt"), req("", "GET", "/hello.txt")
    ),
    pipeline(
        "pipeline-large-then-missing", req("", "GET", "/large.txt"), req("", "GET", "/missing.txt")
    ),
    pipeline(
        "pipeline-gzip-then-plain",
        req("", "GET", "/hello.txt", [("Accept-Encoding", "gzip")]),
        req("", "GET", "/hello.txt"),
    ),
    pipeline(
        "pipeline-traversal-then-file", req("", "GET", "/../app.js"), req("", "GET", "/index.html")
    ),
    # hidden: true
    req("hidden-on-file", "GET", "/.hidden", app="hidden"),
    req("hidden-on-dir-file", "GET", "/.dotdir/secret.txt", app="hidden"),
    req("hidden-on-plain", "GET", "/hello.txt", app="hidden"),
    # index: false
    req("noindex-root", "GET", "/", app="noindex"),
    req("noindex-dir", "GET", "/dir/", app="noindex"),
    req("noindex-file", "GET", "/dir/page.html", app="noindex"),
    # index: page.html
    req("customindex-root", "GET", "/", app="customindex"),
    req("customindex-dir", "GET", "/dir/", app="customindex"),
    req("customindex-noindex-dir", "GET", "/noindex/", app="customindex"),
    # defer: true
    req("defer-file", "GET", "/hello.txt", app="defer"),
    req("defer-downstream-wins", "GET", "/hello.txt?claim=1", app="defer"),
    req("defer-downstream-other", "GET", "/set-by-downstream", app="defer"),
    req("defer-missing", "GET", "/missing.txt", app="defer"),
    req("defer-head", "HEAD", "/hello.txt", app="defer"),
    req("defer-post", "POST", "/hello.txt", [("Content-Length", "0")], app="defer"),
    req("defer-traversal", "GET", "/../app.js", app="defer"),
    # maxage + immutable
    req("maxage-file", "GET", "/hello.txt", app="maxage"),
    req("maxage-index", "GET", "/", app="maxage"),
    req("maxage-gzip", "GET", "/hello.txt", [("Accept-Encoding", "gzip")], app="maxage"),
    # format: false
    req("noformat-dir-no-slash", "GET", "/dir", app="noformat"),
    req("noformat-dir-slash", "GET", "/dir/", app="noformat"),
    req("noformat-root", "GET", "/", app="noformat"),
    # extensions
    req("extensions-html", "GET", "/page", app="extensions"),
    req("extensions-txt", "GET", "/notes", app="extensions"),
    req("extensions-exact", "GET", "/notes.txt", app="extensions"),
    req("extensions-missing", "GET", "/nothing", app="extensions"),
    req("extensions-dir", "GET", "/dir", app="extensions"),
    # gzip: false, brotli: false
    req(
        "nocompress-gzip", "GET", "/hello.txt", [("Accept-Encoding", "gzip, br")], app="nocompress"
    ),
    req("nocompress-only-gz", "GET", "/only.txt", [("Accept-Encoding", "gzip")], app="nocompress"),
    # set_headers
    req("set-headers-file", "GET", "/hello.txt", app="headers"),
    req("set-headers-html-cache-control", "GET", "/index.html", app="headers"),
    req("set-headers-index", "GET", "/", app="headers"),
    req(
        "set-headers-gzip-variant",
        "GET",
        "/hello.txt",
        [("Accept-Encoding", "gzip")],
        app="headers",
    ),
    req("set-headers-missing", "GET", "/missing.txt", app="headers"),
    # koa-send used directly
    req("send-file", "GET", "/hello.txt", app="send"),
    req("send-missing-404", "GET", "/missing.txt", app="send"),
    req("send-dir-no-index", "GET", "/dir/", app="send"),
    req("send-index-option", "GET", "/index-opt/dir/", app="send"),
    req("send-empty-path", "GET", "/empty", app="send", note="issue 17 item 9"),
    req("send-hidden", "GET", "/.hidden", app="send"),
    req("send-traversal", "GET", "/../app.js", app="send"),
    req("send-bad-escape", "GET", "/%E0%A4%A", app="send"),
    req("send-null-byte", "GET", "/a%00b", app="send"),
    req("send-post", "POST", "/hello.txt", [("Content-Length", "0")], app="send"),
    req("send-gzip", "GET", "/hello.txt", [("Accept-Encoding", "gzip")], app="send"),
]
