"""The core scenario's requests: Koa's request and response objects."""

from kit import req

REQUESTS = [
    req("echo-plain", "GET", "/echo"),
    req("string", "GET", "/string"),
    req("not-found", "GET", "/nope"),
]
