"""compress()'s options are checked when it is called, with messages that say
what to do; an encoding whose library is missing is a clear error when asked for."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest

import koa.compress
from koa.compress import EncoderUnavailableError, compress


def test_the_public_names_are_documented() -> None:
    for name in koa.compress.__all__:
        if name != "__version__":
            assert getattr(koa.compress, name).__doc__, name


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 0), (2048, 2048), ("1kb", 1024), ("1.5 MB", 1572864), ("512", 512), ("2KB", 2048)],
)
def test_thresholds_are_bytes_or_sizes(value: int | str, expected: int) -> None:
    from koa.compress._middleware import parse_bytes

    assert parse_bytes(value) == expected


@pytest.mark.parametrize("value", ["lots", "1 kilobyte", "", "1kb2"])
def test_an_unreadable_threshold_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="threshold"):
        compress(threshold=value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"gzip": {"level": 12}}, "level=12 must be an int from -1 to 9"),
        ({"gzip": {"lvl": 1}}, "unknown gzip option"),
        ({"deflate": {"window_bits": 30}}, "window_bits=30"),
        ({"gzip": "fast"}, "must be True, False, a dict of options or a function"),
        ({"encoding_preference": ("gzip", "lzma")}, "unknown encoding 'lzma'"),
    ],
)
def test_bad_options_are_refused_with_a_message(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compress(**kwargs)


def test_a_filter_must_be_callable() -> None:
    with pytest.raises(TypeError, match="filter must be a function"):
        compress(filter="text/*")  # type: ignore[arg-type]


def test_gzip_and_deflate_are_always_available() -> None:
    middleware = compress(br=False)
    assert {"gzip", "deflate", "identity"} <= set(middleware.preferred_encodings)


def _run_without(module: str, code: str) -> subprocess.CompletedProcess[str]:
    """Run *code* in a fresh interpreter where *module* cannot be imported,
    as on a machine without the extra."""
    script = f"import sys\nsys.modules[{module!r}] = None\n" + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )


def test_asking_for_br_without_brotli_says_what_to_install() -> None:
    result = _run_without(
        "brotli",
        """
        from koa.compress import EncoderUnavailableError, compress
        try:
            compress(br={"quality": 5})
        except EncoderUnavailableError as err:
            print(err)
        """,
    )
    assert "pip install 'koa-compress[brotli]'" in result.stdout, result.stderr


def test_asking_for_zstd_without_zstandard_says_what_to_install() -> None:
    result = _run_without(
        "zstandard",
        """
        from koa.compress import EncoderUnavailableError, compress
        try:
            compress(zstd=True)
        except EncoderUnavailableError as err:
            print(err)
        """,
    )
    assert "pip install 'koa-compress[zstd]'" in result.stdout, result.stderr


def test_br_by_default_is_simply_off_without_brotli() -> None:
    result = _run_without(
        "brotli",
        """
        from koa.compress import compress
        print(compress().preferred_encodings)
        """,
    )
    assert "'br'" not in result.stdout and "'gzip'" in result.stdout, result.stderr


def test_the_error_is_an_import_error() -> None:
    assert issubclass(EncoderUnavailableError, ImportError)
