"""The bounded variant of ``scripts/fuzz_server.py``: a few thousand
generated raw requests (valid, almost valid, garbage) against an app using
all six packages, served for real in a child process.

No 5xx the app did not ask for, no unanswered valid request, no leaked
secret, the server keeps answering, nothing logged that the app did not ask
for, and the server's open fds and asyncio tasks are back to their baseline
afterwards (RSS may grow a little: allocator caches).
"""

from __future__ import annotations

import os

from scripts.fuzz_server import SECRET, Case, Reply, _check, run_fuzz

#: 3000 in CI; 50,000 under ``hatch run fuzz`` (HYPOTHESIS_PROFILE=fuzz).
_DEFAULT = "50000" if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else "3000"
REQUESTS = int(os.environ.get("FUZZ_SERVER_REQUESTS", _DEFAULT))


def test_whole_server_survives_generated_traffic() -> None:
    report = run_fuzz(REQUESTS, seed=20_240_601, concurrency=16, rss_growth=40.0)
    print(report.summary())  # the figures, with pytest -s
    assert report.requests - report.warmup >= REQUESTS
    assert not report.failures, report.summary()
    assert report.after["fds"] <= report.before["fds"]
    assert report.after["tasks"] <= report.before["tasks"]


def test_the_checks_catch_what_they_should() -> None:
    case = Case("valid", b"GET / HTTP/1.1\r\n\r\n", ["GET", "GET"], ["/", "/fail"])
    assert _check(case, [Reply(500, [], b"")], "closed") == [
        "unexpected 500 on GET /",
        "valid request not answered (closed) on GET /fail",
    ]
    assert _check(case, [Reply(200, [], SECRET)], "ok")[0] == "secret file leaked by GET /"
    asked = Reply(503, [("X-Fuzz-Expected", "1")], b"")
    assert _check(case, [Reply(200, [], b""), asked], "ok") == []
