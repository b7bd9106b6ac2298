"""Nothing outside the root is ever served (spec §4.4, S40 and the issue's list).

Requests go over a raw socket so the request target reaches the server byte
for byte: HTTP clients normalise ``..``, backslashes and escapes themselves.
The secret files sit next to the root; every attack must fail with a 4xx.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from koa.core import Koa
from koa.core.testing import Serve
from koa.static import serve

SECRET = b"top secret"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "world").mkdir(parents=True)
    (site / "hello.txt").write_bytes(b"world")
    (site / "world" / "index.html").write_bytes(b"html index")
    (site / ".hidden").write_bytes(b"hidden")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "file.txt").write_bytes(SECRET)
    return site


async def raw_get(url: str, target: str) -> tuple[int, bytes]:
    """``GET <target>`` exactly as written; the status and the body."""
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        request = f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n"
        writer.write(request.encode("latin-1"))
        response = await reader.read()
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


async def url_for(serve_app: Serve, root: Path, *, follow_symlinks: bool = False) -> str:
    app = Koa(silent=True)
    app.use(serve(root, follow_symlinks=follow_symlinks))
    return await serve_app(app)


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/world/..%2f..%2fsecret.txt",
        "/world/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/world\\..\\..\\secret.txt",
        "/world/..%5c..%5csecret.txt",
        "/world/../../secret.txt",
    ],
)
async def test_parent_segments_are_forbidden(serve: Serve, root: Path, target: str) -> None:
    status, body = await raw_get(await url_for(serve, root), target)
    assert status == 403
    assert SECRET not in body


@pytest.mark.parametrize(
    ("target", "text"),
    [
        ("/hello.txt%00.png", b"Malicious Path"),
        ("/hello.txt%00", b"Malicious Path"),
        ("//etc/passwd", b"Malicious Path"),
        ("/%2fetc%2fpasswd", b"Malicious Path"),
        ("/%5cetc%5cpasswd", b"Malicious Path"),
        ("/%5c%5cserver%5cshare%5csecret.txt", b"Malicious Path"),
        ("/C:%5cWindows%5cwin.ini", b"Malicious Path"),
        ("/C:/Windows/win.ini", b"Malicious Path"),
        ("/c:secret.txt", b"Malicious Path"),
        ("/%", b"failed to decode"),
        ("/%zz", b"failed to decode"),
        ("/hello.txt%", b"failed to decode"),
        ("/%c3%28", b"failed to decode"),  # invalid UTF-8
        ("/%ed%a0%80", b"failed to decode"),  # a UTF-16 surrogate
        ("/%c0%ae%c0%ae/secret.txt", b"failed to decode"),  # overlong "." (CVE-style)
    ],
)
async def test_malicious_or_undecodable_paths_are_400(
    serve: Serve, root: Path, target: str, text: bytes
) -> None:
    status, body = await raw_get(await url_for(serve, root), target)
    assert (status, body) == (400, text)


@pytest.mark.parametrize(
    "target",
    [
        "/%252e%252e%252fsecret.txt",  # double-encoded: decoded once, a literal name
        "/%252e%252e/secret.txt",
        "/file%3a///etc/passwd",  # koajs/static#134
        "/" + "a" * 300,  # ENAMETOOLONG for one name
        "/" + "/".join(["abcdefgh"] * 600),  # longer than PATH_MAX
        "/hello.txt/",  # ENOTDIR
        "/.hidden",
        "/%2ehidden",
        "/./.hidden",
        "/world/%2e%2e/.hidden",
    ],
)
async def test_other_tricks_find_nothing(serve: Serve, root: Path, target: str) -> None:
    status, body = await raw_get(await url_for(serve, root), target)
    assert status == 404
    assert SECRET not in body


@pytest.mark.parametrize(
    ("target", "text"),
    [
        ("/world/..%2fhello.txt", b"world"),  # S40: back inside, no ".." left
        ("/world/.%2f..%2fhello.txt", b"world"),
        ("/world//index.html", b"html index"),
        ("/./hello.txt", b"world"),
        ("/hello%2etxt", b"world"),
    ],
)
async def test_paths_that_normalise_inside_the_root_are_served(
    serve: Serve, root: Path, target: str, text: bytes
) -> None:
    status, body = await raw_get(await url_for(serve, root), target)
    assert (status, body) == (200, text)


needs_symlinks = pytest.mark.skipif(
    sys.platform == "win32", reason="symlinks need privileges on Windows"
)


@needs_symlinks
async def test_symlinks_out_of_the_root_are_refused(
    serve: Serve, root: Path, tmp_path: Path
) -> None:
    os.symlink(tmp_path / "secret.txt", root / "leak.txt")
    os.symlink(tmp_path / "outside", root / "leakdir")
    os.symlink("../secret.txt", root / "relative-leak.txt")
    url = await url_for(serve, root)
    for target in ("/leak.txt", "/leakdir/file.txt", "/relative-leak.txt"):
        status, body = await raw_get(url, target)
        assert status == 404, target
        assert SECRET not in body


@needs_symlinks
async def test_follow_symlinks_allows_them(serve: Serve, root: Path, tmp_path: Path) -> None:
    os.symlink(tmp_path / "secret.txt", root / "leak.txt")
    os.symlink(tmp_path / "outside", root / "leakdir")
    url = await url_for(serve, root, follow_symlinks=True)
    assert await raw_get(url, "/leak.txt") == (200, SECRET)
    assert await raw_get(url, "/leakdir/file.txt") == (200, SECRET)


@needs_symlinks
async def test_symlinks_inside_the_root_are_served(serve: Serve, root: Path) -> None:
    os.symlink(root / "hello.txt", root / "alias.txt")
    os.symlink("world", root / "planet")
    url = await url_for(serve, root)
    assert await raw_get(url, "/alias.txt") == (200, b"world")
    assert await raw_get(url, "/planet/") == (200, b"html index")


@needs_symlinks
async def test_a_symlinked_root_is_fine(serve: Serve, root: Path, tmp_path: Path) -> None:
    os.symlink(root, tmp_path / "current")
    url = await url_for(serve, tmp_path / "current")
    assert await raw_get(url, "/hello.txt") == (200, b"world")
    assert (await raw_get(url, "/../secret.txt"))[0] == 403


@needs_symlinks
async def test_a_precompressed_variant_linking_out_is_ignored(
    serve: Serve, root: Path, tmp_path: Path
) -> None:
    os.symlink(tmp_path / "secret.txt", root / "hello.txt.gz")
    url = await url_for(serve, root)
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(
        f"GET /hello.txt HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept-Encoding: gzip\r\n"
        "Connection: close\r\n\r\n".encode()
    )
    response = await reader.read()
    writer.close()
    await writer.wait_closed()
    assert response.startswith(b"HTTP/1.1 200")
    assert response.endswith(b"\r\n\r\nworld")  # the plain file, not the variant
    assert b"Content-Encoding" not in response


async def test_special_files_are_not_served(serve: Serve, root: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(root / "pipe")
    status, _ = await raw_get(await url_for(serve, root), "/pipe")
    assert status == 404
