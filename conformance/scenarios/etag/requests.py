"""The etag scenario's requests: koa-etag's and koa-conditional-get's test
suites as raw requests, every kind of body, weak and strong tags, and the
If-None-Match / If-Modified-Since forms, valid and malformed."""

import base64
import hashlib
import os
from pathlib import Path

from kit import raw, req


def tag(data: bytes) -> str:
    digest = base64.b64encode(hashlib.sha1(data).digest()).decode()[:27]
    return f'"{len(data):x}-{digest}"'


HELLO = tag(b"Hello World")
JSON = tag(b'{"foo":"bar","n":[1,2,3]}')
_st = os.stat(Path(__file__).parent / "file.txt")
_sec, _nsec = divmod(_st.st_mtime_ns, 1_000_000_000)
FILE = f'"{_st.st_size:x}-{int(_sec * 1000 + _nsec / 1e6 + 0.5):x}"'  # Node rounds the ms


def inm(value: str | bytes) -> list[tuple[str, str | bytes]]:
    return [("If-None-Match", value)]


DATED = "Tue, 01 Oct 2024 10:00:00 GMT"

REQUESTS = [
    # -- the tags ---------------------------------------------------------------
    req("text", "GET", "/text"),
    req("unicode", "GET", "/unicode"),
    req("json", "GET", "/json"),
    req("array", "GET", "/array"),
    req("number", "GET", "/number"),
    req("buffer", "GET", "/buffer"),
    req("empty-buffer", "GET", "/empty-buffer"),
    req("empty-string", "GET", "/empty"),
    req("file", "GET", "/file"),
    req("stream", "GET", "/stream"),
    req("existing", "GET", "/existing"),
    req("existing-weak", "GET", "/existing-weak"),
    req("created-201", "GET", "/created"),
    req("redirect-302", "GET", "/redirect"),
    req("error-400", "GET", "/error"),
    req("not-found", "GET", "/nowhere"),
    req("head-text", "HEAD", "/text"),
    req("post-text", "POST", "/text", [], "x"),
    req("weak-text", "GET", "/text", app="weak"),
    req("weak-json", "GET", "/json", app="weak"),
    req("weak-file", "GET", "/file", app="weak"),
    req("strong-text", "GET", "/text", app="strong"),
    req("strong-file", "GET", "/file", app="strong"),
    req("tagonly-text", "GET", "/text", app="tagonly"),
    # -- If-None-Match ----------------------------------------------------------
    req("inm-match", "GET", "/text", inm(HELLO)),
    req("inm-match-json", "GET", "/json", inm(JSON)),
    req("inm-match-buffer", "GET", "/buffer", inm(HELLO)),
    req("inm-weak-form", "GET", "/text", inm("W/" + HELLO)),
    req("inm-list", "GET", "/text", inm(f'"nope", {HELLO} ,"other"')),
    req("inm-list-no-spaces", "GET", "/text", inm(f'"a",{HELLO}')),
    req("inm-star", "GET", "/text", inm("*")),
    req("inm-mismatch", "GET", "/text", inm('"tobi"')),
    req("inm-unquoted", "GET", "/text", inm(HELLO.strip('"'))),
    req("inm-empty", "GET", "/text", inm("")),
    req("inm-quote", "GET", "/text", inm('"')),
    req("inm-w-slash", "GET", "/text", inm("W/")),
    req("inm-commas", "GET", "/text", inm(",,,,")),
    req("inm-half-quoted", "GET", "/text", inm(HELLO[:-1])),
    req("inm-long", "GET", "/text", inm(", ".join(['"x"'] * 1000))),
    req("inm-non-ascii", "GET", "/text", inm('"caf\xe9"'.encode("latin-1"))),
    req(
        "inm-repeated-lines",
        "GET",
        "/text",
        [("If-None-Match", '"nope"'), ("If-None-Match", HELLO)],
    ),
    req("inm-head", "HEAD", "/text", inm(HELLO)),
    req("inm-post", "POST", "/text", inm(HELLO), "x"),
    req("inm-no-cache", "GET", "/text", [*inm(HELLO), ("Cache-Control", "no-cache")]),
    req(
        "inm-no-cache-second-line",
        "GET",
        "/text",
        [*inm(HELLO), ("Cache-Control", "max-age=0"), ("Cache-Control", "no-cache")],
    ),
    req("inm-created", "GET", "/created", inm(HELLO)),
    req("inm-error", "GET", "/error", inm('"x"')),
    req("inm-existing", "GET", "/existing", inm('"custom"')),
    req("inm-existing-weak", "GET", "/existing-weak", inm('"custom"')),
    req("inm-file", "GET", "/file", inm("W/" + FILE)),
    req("inm-file-strong-form", "GET", "/file", inm(FILE)),
    req("inm-stream", "GET", "/stream", inm('"x"')),
    req("inm-weak-app", "GET", "/text", inm(HELLO), app="weak"),
    req("inm-weak-app-weak-form", "GET", "/text", inm("W/" + HELLO), app="weak"),
    req("inm-strong-file", "GET", "/file", inm(FILE), app="strong"),
    req("inm-tagonly", "GET", "/text", inm(HELLO), app="tagonly"),
    # -- If-Modified-Since ------------------------------------------------------
    req("ims-same", "GET", "/dated", [("If-Modified-Since", DATED)]),
    req("ims-later", "GET", "/dated", [("If-Modified-Since", "Wed, 02 Oct 2024 10:00:00 GMT")]),
    req("ims-earlier", "GET", "/dated", [("If-Modified-Since", "Mon, 30 Sep 2024 10:00:00 GMT")]),
    req("ims-garbage", "GET", "/dated", [("If-Modified-Since", "yesterday")]),
    req("ims-empty", "GET", "/dated", [("If-Modified-Since", "")]),
    req("ims-bad-day", "GET", "/dated", [("If-Modified-Since", "Tue, 99 Oct 2024 99:99:99 GMT")]),
    req("ims-no-last-modified", "GET", "/text", [("If-Modified-Since", DATED)]),
    req("ims-and-inm-match", "GET", "/dated-tagged", [*inm(HELLO), ("If-Modified-Since", DATED)]),
    req(
        "ims-and-inm-mismatch", "GET", "/dated-tagged", [*inm('"no"'), ("If-Modified-Since", DATED)]
    ),
    req(
        "ims-stale-inm-match",
        "GET",
        "/dated-tagged",
        [*inm(HELLO), ("If-Modified-Since", "Mon, 30 Sep 2024 10:00:00 GMT")],
    ),
    raw("raw-inm-bytes", b'GET /text HTTP/1.1\r\nHost: x\r\nIf-None-Match: "\xff\xfe"\r\n\r\n'),
    raw("raw-http10-inm", b"GET /text HTTP/1.0\r\nIf-None-Match: " + HELLO.encode() + b"\r\n\r\n"),
]
