"""The jwt scenario's requests: koa-jwt's tests (no token, malformed headers,
bad signatures, claims, rolling secrets, cookies, getToken, isRevoked, a
secret provider, ctx.state.secret, key and tokenKey, passthrough, unless), and
hostile tokens: alg none, algorithms, non-JSON and non-object parts, odd
claim types, huge and non-ASCII values. Tokens are signed here with the
stdlib, as jsonwebtoken signs them (HS256, compact JSON)."""

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from kit import Request, raw, req

SECRET = b"conformance-shared-secret-of-32-bytes-and-more"
OTHER = b"conformance-other-secret-also-32-bytes-or-more"
NOW = int(time.time())
HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def sign_parts(header: bytes, payload: bytes, key: bytes | None, alg: str = "HS256") -> str:
    signing_input = b64url(header) + "." + b64url(payload)
    if key is None:
        return signing_input + "."
    mac = hmac.new(key, signing_input.encode(), HASHES.get(alg, hashlib.sha256)).digest()
    return signing_input + "." + b64url(mac)


def token(payload: Any, key: bytes | None = SECRET, alg: str = "HS256", **header: Any) -> str:
    return sign_parts(compact({"alg": alg, "typ": "JWT", **header}), compact(payload), key, alg)


GOOD = token({"sub": "ada", "iat": NOW})
TOKENS: dict[str, str] = {
    "valid": GOOD,
    "other-secret": token({"sub": "ada"}, OTHER),
    "expired": token({"sub": "ada", "exp": NOW - 3600}),
    "not-expired": token({"sub": "ada", "exp": NOW + 3600}),
    "not-yet-valid": token({"sub": "ada", "nbf": NOW + 3600}),
    "nbf-past": token({"sub": "ada", "nbf": NOW - 3600}),
    "exp-string": token({"sub": "ada", "exp": "tomorrow"}),
    "nbf-string": token({"sub": "ada", "nbf": "later"}),
    "exp-float": token({"sub": "ada", "exp": NOW + 3600.5}),
    "aud-api": token({"sub": "ada", "aud": "urn:api", "iss": "urn:idp"}),
    "aud-list": token({"sub": "ada", "aud": ["urn:x", "urn:api"], "iss": "urn:idp"}),
    "aud-wrong": token({"sub": "ada", "aud": "urn:other", "iss": "urn:idp"}),
    "aud-missing": token({"sub": "ada", "iss": "urn:idp"}),
    "iss-wrong": token({"sub": "ada", "aud": "urn:api", "iss": "urn:evil"}),
    "iss-missing": token({"sub": "ada", "aud": "urn:api"}),
    "alg-none": token({"sub": "admin"}, None, "none"),
    "alg-none-signed": token({"sub": "admin"}, SECRET, "none"),
    "alg-None": token({"sub": "admin"}, None, "None"),
    "alg-missing": sign_parts(compact({"typ": "JWT"}), compact({"sub": "x"}), SECRET),
    "alg-rs256": token({"sub": "admin"}, SECRET, "RS256"),
    "empty-signature": GOOD.rsplit(".", 1)[0] + ".",
    "tampered-payload": GOOD.split(".")[0]
    + "."
    + b64url(b'{"sub":"admin"}')
    + "."
    + GOOD.split(".")[2],
    "two-parts": "abc.def",
    "four-parts": GOOD + ".x",
    "one-word": "wrongjwt",
    "empty-parts": "..",
    "header-not-json": sign_parts(b"not json", compact({"sub": "x"}), SECRET),
    "header-a-list": sign_parts(b"[1]", compact({"sub": "x"}), SECRET),
    "payload-not-json": sign_parts(compact({"alg": "HS256"}), b"\xff\xfe", SECRET),
    "payload-a-string": sign_parts(compact({"alg": "HS256"}), b'"admin"', SECRET),
    "payload-unicode": token({"sub": "jörg", "name": "日本語"}),
    "not-base64": "!!!.???.***",
    "payload-nested": token({"a": {"b": [1, {"c": None}]}, "n": 1.5, "t": True}),
    "kid-k1": token({"sub": "ada"}, SECRET, kid="k1"),
    "kid-k2": token({"sub": "ada"}, OTHER, kid="k2"),
    "kid-k2-wrong": token({"sub": "ada"}, SECRET, kid="k2"),
    "kid-unknown": token({"sub": "ada"}, SECRET, kid="k9"),
    "revoked": token({"sub": "revoked"}),
    "iat-future": token({"sub": "ada", "iat": NOW + 3600}),
    "hs384": token({"sub": "ada"}, SECRET, "HS384"),
    "exp-huge": sign_parts(compact({"alg": "HS256"}), b'{"sub":"ada","exp":1e400}', SECRET),
}

MAIN = [
    "valid",
    "other-secret",
    "expired",
    "not-expired",
    "not-yet-valid",
    "nbf-past",
    "exp-string",
    "nbf-string",
    "exp-float",
    "aud-wrong",
    "alg-none",
    "alg-none-signed",
    "alg-None",
    "alg-missing",
    "alg-rs256",
    "empty-signature",
    "tampered-payload",
    "two-parts",
    "four-parts",
    "one-word",
    "empty-parts",
    "header-not-json",
    "header-a-list",
    "payload-not-json",
    "payload-a-string",
    "payload-unicode",
    "not-base64",
    "payload-nested",
    "iat-future",
    "hs384",
    "exp-huge",
]
DEBUG = [name for name in MAIN if name not in ("payload-unicode", "payload-nested")]
APPS = {
    "main": MAIN,
    "debug": DEBUG,
    "passthrough": ["valid", "expired", "one-word", "alg-none"],
    "claims": [
        "aud-api", "aud-list", "aud-wrong", "aud-missing", "iss-wrong", "iss-missing", "valid",
    ],
    "rolling": ["valid", "other-secret", "alg-none"],
    "keys": ["valid", "expired"],
    "revoked": ["valid", "revoked"],
    "provider": ["kid-k1", "kid-k2", "kid-k2-wrong", "kid-unknown", "valid", "one-word"],
}  # fmt: skip


def bearer(value: str) -> list[tuple[str, str]]:
    return [("Authorization", f"Bearer {value}")]


def debug_header(name: str, value: str | bytes) -> Request:
    return req(name, "GET", "/api", [("Authorization", value)], app="debug")


REQUESTS = [
    req(f"{app}-{name}", "GET", "/api", bearer(TOKENS[name]), app=app)
    for app, names in APPS.items()
    for name in names
]

REQUESTS += [
    # no token, and Authorization headers that are not "Bearer <token>"
    req("main-no-header", "GET", "/api"),
    req("debug-no-header", "GET", "/api", app="debug"),
    debug_header("debug-empty-header", ""),
    debug_header("debug-wrong-format", "wrong"),
    req(
        "debug-basic-scheme", "GET", "/api", [("Authorization", "Basic dXNlcjpwYXNz")], app="debug"
    ),
    debug_header("debug-bearer-only", "Bearer"),
    debug_header("debug-bearer-space", "Bearer "),
    req(
        "debug-bearer-two-spaces",
        "GET",
        "/api",
        [("Authorization", "Bearer  " + GOOD)],
        app="debug",
    ),
    debug_header("debug-bearer-three-parts", "Bearer a b"),
    debug_header("debug-bearer-tab", "Bearer\t" + GOOD),
    req(
        "debug-lowercase-bearer", "GET", "/api", [("Authorization", "bearer " + GOOD)], app="debug"
    ),
    debug_header("debug-odd-case-bearer", "bEaReR " + GOOD),
    req(
        "debug-padded-header",
        "GET",
        "/api",
        [("Authorization", "   Bearer " + GOOD + "   ")],
        app="debug",
    ),
    debug_header("debug-token-scheme", "Token " + GOOD),
    req(
        "debug-raw-bytes",
        "GET",
        "/api",
        [(b"Authorization", b"Bearer \xff\xfe.\x80.\xc3\xa9")],
        app="debug",
    ),
    req("main-wrong-format", "GET", "/api", [("Authorization", "wrong")]),
    req("main-head-valid", "HEAD", "/api", bearer(GOOD)),
    req("main-head-none", "HEAD", "/api"),
    req("main-post-valid", "POST", "/api", bearer(GOOD), "{}"),
    req("main-very-long-token", "GET", "/api", bearer("a" * 5000 + "." + "b" * 1000 + ".c")),
    raw(
        "main-repeated-header",
        b"GET /api HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
        + GOOD.encode()
        + b"\r\nAuthorization: wrong\r\n\r\n",
    ),
    # passthrough
    req("passthrough-no-header", "GET", "/api", app="passthrough"),
    req("passthrough-wrong-format", "GET", "/api", [("Authorization", "wrong")], app="passthrough"),
    # cookies
    req("cookie-valid", "GET", "/api", [("Cookie", f"jwt={GOOD}")], app="cookie"),
    req("cookie-malformed", "GET", "/api", [("Cookie", "jwt=bad.signature.jwt")], app="cookie"),
    req("cookie-empty", "GET", "/api", [("Cookie", "jwt=")], app="cookie"),
    req("cookie-other-name", "GET", "/api", [("Cookie", f"token={GOOD}")], app="cookie"),
    req(
        "cookie-before-header",
        "GET",
        "/api",
        [("Cookie", f"jwt={GOOD}"), ("Authorization", "wrong")],
        app="cookie",
    ),
    req(
        "cookie-bad-header-good",
        "GET",
        "/api",
        [("Cookie", "jwt=x.y.z"), ("Authorization", f"Bearer {GOOD}")],
        app="cookie",
    ),
    req("cookie-header-only", "GET", "/api", bearer(GOOD), app="cookie"),
    # getToken
    req("gettoken-query", "GET", f"/api?token={GOOD}", app="gettoken"),
    req("gettoken-query-bad", "GET", "/api?token=x.y.z", app="gettoken"),
    req("gettoken-empty-then-header", "GET", "/api?token=", bearer(GOOD), app="gettoken"),
    req("gettoken-none", "GET", "/api", app="gettoken"),
    # ctx.state.secret
    req(
        "state-other-secret", "GET", "/api", [("X-Secret-Id", "other"), *bearer(GOOD)], app="state"
    ),
    req(
        "state-other-signed",
        "GET",
        "/api",
        [("X-Secret-Id", "other"), *bearer(TOKENS["other-secret"])],
        app="state",
    ),
    req("state-main", "GET", "/api", [("X-Secret-Id", "main"), *bearer(GOOD)], app="state"),
    req("state-default", "GET", "/api", bearer(GOOD), app="state"),
    # unless
    req("unless-public", "GET", "/public", app="unless"),
    req("unless-public-deep", "GET", "/public/x?y=1", app="unless"),
    req("unless-login", "GET", "/login", app="unless"),
    req("unless-login-query", "GET", "/login?next=/admin", app="unless"),
    req("unless-login-slash", "GET", "/login/", app="unless"),
    req("unless-login-case", "GET", "/Login", app="unless"),
    req("unless-css", "GET", "/a/b.css", app="unless"),
    req("unless-css-query", "GET", "/a.css?v=1", app="unless"),
    req("unless-options", "OPTIONS", "/api", app="unless"),
    req("unless-get-protected", "GET", "/api", app="unless"),
    req("unless-get-protected-valid", "GET", "/api", bearer(GOOD), app="unless"),
    req("unless-encoded-public", "GET", "/%70ublic", app="unless"),
    req("unless-double-slash", "GET", "//public", app="unless"),
]
