"""The coding chosen for an ``Accept-Encoding`` value: negotiator 1.1's answer
with koa-compress's preference order, for ordinary and absurd headers (every
expected value here was checked against negotiator 1.1 under Node 20)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koa.compress._negotiate import js_parse_float, negotiate, parse_accept_encoding

OFFERED = ("br", "gzip", "deflate", "identity")
PREFERENCE = ("zstd", "br", "gzip", "deflate", "identity")


def choose(header: str, offered: tuple[str, ...] = OFFERED) -> str | None:
    return negotiate(header, offered, PREFERENCE)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, br", "br"),
        ("gzip, br, *;q=0.5", "br"),
        ("br, gzip", "br"),
        ("gzip, deflate", "gzip"),
        ("identity", "identity"),
        ("br, *; q = 0.1", "br"),
        ("*, gzip;q=0", "br"),
        ("gzip;q=0.8, identity;q=0.5, *;q=0.3", "gzip"),
        ("GZIP", "gzip"),
        ("deflate;q=1, gzip;q=0.9", "deflate"),
        ("compress, x-gzip", "identity"),
        ("", "identity"),
        ("identity;q=0", None),
        ("*;q=0", None),
        ("gzip;q=0", "identity"),
        (' gzip ; q="0.5" , deflate;q=0.4', "gzip"),
    ],
)
def test_the_coding_for_a_header(header: str, expected: str | None) -> None:
    assert choose(header) == expected


def test_without_brotli_offered_gzip_wins() -> None:
    assert choose("gzip, deflate, br", ("gzip", "deflate", "identity")) == "gzip"


def test_identity_is_added_with_the_lowest_q() -> None:
    parsed = parse_accept_encoding("gzip;q=0.8, br;q=0.3")
    assert parsed[-1].encoding == "identity"
    assert parsed[-1].q == 0.3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.5", 0.5),
        ("1e3", 1000.0),
        (" 0.5xyz", 0.5),
        ("Infinity", math.inf),
        ("-Infinity", -math.inf),
        ("1e999", math.inf),
        ("-1", -1.0),
        (".5", 0.5),
    ],
)
def test_q_values_read_as_javascript_parse_float(text: str, expected: float) -> None:
    assert js_parse_float(text) == expected


@pytest.mark.parametrize("text", ["abc", "NaN", "", "e5", "+"])
def test_unreadable_q_values_are_nan(text: str) -> None:
    assert math.isnan(js_parse_float(text))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip;q=1e999, br", "gzip"),  # Infinity beats 1
        ("gzip;q=NaN, br;q=0.1", "br"),  # NaN is never acceptable
        ("gzip;q=-5", None),  # identity gets the lowest q, -5: nothing is acceptable
        ("br;q=99999999999999999999999, gzip;q=100000000000000000000000", "br"),  # both 1e23
        ("gzip;q=0.5;q=0.9", "gzip"),  # the first q counts
        ('gzip;q="unterminated', "gzip"),
        ("gzip;;;;q=0.2, deflate;q=0.3", "deflate"),
        (",,,,gzip", "gzip"),
        ("\x00\xff, gzip", "gzip"),
    ],
)
def test_absurd_headers_get_negotiators_answer(header: str, expected: str | None) -> None:
    assert choose(header) == expected


def test_ten_thousand_codings_are_read_in_linear_time() -> None:
    header = ", ".join(f"x-coding-{i};q=0.{i % 9 + 1}" for i in range(10_000)) + ", gzip;q=0.05"
    assert len(parse_accept_encoding(header)) == 10_002
    assert choose(header) == "gzip"  # identity gets the lowest q among them: 0.05 too, gzip first


@given(
    st.text(
        alphabet=st.sampled_from(list('gzipbrdeflateidntyx*;,=q0123456789.-e "\t\\')), max_size=200
    )
)
def test_any_header_gets_an_offered_coding_or_none(header: str) -> None:
    assert choose(header) in (*OFFERED, None)


@given(st.text(max_size=300))
def test_any_text_at_all_is_negotiated_without_error(header: str) -> None:
    assert choose(header) in (*OFFERED, None)
