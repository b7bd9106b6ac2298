"""The basic-auth scenario's requests: koa-basic-auth's tests (no, wrong and
right credentials, a custom realm, the README's custom 401), either of name and
password alone, and every malformed ``Authorization`` header we could think of
(schemes, spacing, base64 alphabets and padding, missing colon, non-UTF-8,
raw bytes, repeated lines, huge values), on each app."""

import base64

from kit import raw, req


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def basic(value: bytes) -> str:
    return "Basic " + b64(value)


# name -> the Authorization header value (None: no header at all)
HEADERS: dict[str, str | bytes | None] = {
    "none": None,
    "empty": "",
    "scheme-only": "Basic",
    "scheme-space": "Basic ",
    "right": basic(b"user:pass"),
    "wrong-password": basic(b"user:nope"),
    "wrong-name": basic(b"other:pass"),
    "both-wrong": basic(b"foo:bar"),
    "lowercase-scheme": "basic " + b64(b"user:pass"),
    "uppercase-scheme": "BASIC " + b64(b"user:pass"),
    "many-spaces": "Basic     " + b64(b"user:pass"),
    "leading-spaces": "   Basic " + b64(b"user:pass"),
    "trailing-spaces": "Basic " + b64(b"user:pass") + "   ",
    "tab-separator": "Basic\t" + b64(b"user:pass"),
    "no-padding": "Basic " + b64(b"user:pass1").rstrip("="),
    "extra-padding": "Basic " + b64(b"user:pass") + "==",
    "inner-padding": "Basic dXNl=cjpwYXNz",
    "url-safe-alphabet": "Basic " + base64.urlsafe_b64encode(b"user:pass>>>?").decode(),
    "dot-and-tilde": "Basic " + b64(b"user:pass") + ".~",
    "lone-char": "Basic A",
    "only-padding": "Basic ====",
    "bad-characters": "Basic !!!!****",
    "two-tokens": "Basic " + b64(b"user:pass") + " " + b64(b"user:pass"),
    "comma-list": "Basic " + b64(b"user:pass") + ", Basic " + b64(b"user:pass"),
    "no-colon": basic(b"userpass"),
    "empty-name": basic(b":pass"),
    "empty-password": basic(b"user:"),
    "just-colon": basic(b":"),
    "colon-in-password": basic(b"user:pass:extra"),
    "nul-in-name": basic(b"user\x00:pass"),
    "non-utf8-name": basic(b"\xffuser:pass"),
    "non-utf8-password": basic(b"user:\xff\xfe"),
    "latin1-credentials": basic("jörg:pässwörd€:x".encode("latin-1", "replace")),
    "utf8-credentials": basic("jörg:pässwörd€:x".encode()),
    "bearer-scheme": "Bearer " + b64(b"user:pass"),
    "digest-scheme": 'Digest username="user"',
    "scheme-in-token": basic(b"Basic user:pass"),
    "very-long": "Basic " + "QUFB" * 1500,
    "raw-non-ascii": b"Basic \xff\xfe\xfd",
    "raw-utf8-value": "Basic üser:päss",
}

APPS = {
    "main": list(HEADERS),
    "realm": [
        "none", "empty", "scheme-only", "right", "wrong-password", "bad-characters", "no-colon",
        "raw-non-ascii", "very-long", "bearer-scheme",
    ],
    "nameonly": [
        "none", "right", "wrong-password", "wrong-name", "empty-password", "empty-name",
        "colon-in-password", "no-colon", "non-utf8-password", "just-colon", "utf8-credentials",
        "bad-characters",
    ],
    "passonly": [
        "none", "right", "wrong-password", "wrong-name", "empty-name", "empty-password",
        "colon-in-password", "non-utf8-name", "nul-in-name", "just-colon", "bad-characters",
        "raw-non-ascii",
    ],
    "unicode": [
        "none", "right", "utf8-credentials", "latin1-credentials", "raw-utf8-value",
        "wrong-password", "non-utf8-password",
    ],
    "custom": [
        "none", "empty", "right", "wrong-password", "bad-characters", "no-colon",
        "non-utf8-password", "raw-non-ascii",
    ],
}  # fmt: skip

REQUESTS = [
    req(
        f"{app}-{name}",
        "GET",
        "/protected?x=1",
        [] if HEADERS[name] is None else [("Authorization", HEADERS[name] or "")],
        app=app,
    )
    for app, names in APPS.items()
    for name in names
]

REQUESTS += [
    req("custom-tj", "GET", "/", [("Authorization", "basic dGo6dG9iaQ==")], app="custom"),
    req("head-none", "HEAD", "/"),
    req("head-right", "HEAD", "/", [("Authorization", basic(b"user:pass"))]),
    req("post-none", "POST", "/", [("Content-Type", "text/plain")], "hello"),
    req("post-right", "POST", "/", [("Authorization", basic(b"user:pass"))], "hello"),
    req("options-none", "OPTIONS", "/"),
    req("delete-wrong", "DELETE", "/x", [("Authorization", basic(b"user:x"))]),
    req("non-ascii-path", "GET", "/caf%C3%A9", [("Authorization", basic(b"user:pass"))]),
    req("http10-none", "GET", "/", version="HTTP/1.0"),
    req(
        "lowercase-header-name",
        "GET",
        "/",
        [("authorization", basic(b"user:pass"))],
    ),
    raw(
        "repeated-header-bad-first",
        b"GET / HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic !!\r\n"
        b"Authorization: " + basic(b"user:pass").encode() + b"\r\n\r\n",
    ),
    raw(
        "repeated-header-good-first",
        b"GET / HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
        + basic(b"user:pass").encode()
        + b"\r\nAuthorization: Basic !!\r\n\r\n",
    ),
    raw(
        "proxy-authorization-only",
        b"GET / HTTP/1.1\r\nHost: localhost\r\nProxy-Authorization: "
        + basic(b"user:pass").encode()
        + b"\r\n\r\n",
    ),
]
