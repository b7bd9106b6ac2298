"""entity_tag(): the npm etag package's values (from its test suite)."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import koa.etag
from koa.etag import entity_tag


def test_the_public_names_are_documented() -> None:
    for name in ("conditional_get", "entity_tag", "etag"):
        assert getattr(koa.etag, name).__doc__, name


@pytest.mark.parametrize(
    ("entity", "expected"),
    [
        ("beep boop", '"9-fINXV39R1PCo05OqGqr7KIY9lCE"'),
        (b"beep boop", '"9-fINXV39R1PCo05OqGqr7KIY9lCE"'),
        ("", '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'),
        (b"", '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'),
        ("论", '"3-QkSKq8sXBjHL2tFAZknA2n6LYzM"'),
        ("Hello World", '"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA"'),
    ],
    ids=["str", "bytes", "empty-str", "empty-bytes", "multibyte", "hello"],
)
def test_strong_tags_for_text_and_bytes(entity: str | bytes, expected: str) -> None:
    assert entity_tag(entity) == expected


def test_weak_tags_are_prefixed() -> None:
    assert entity_tag("beep boop", weak=True) == 'W/"9-fINXV39R1PCo05OqGqr7KIY9lCE"'


def test_stat_tags_are_weak_by_default(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "f")
    with open(path, "wb") as f:
        f.write(b"12345")
    os.utime(path, ns=(0, 1_234_567_891_999_999))
    st = os.stat(path)
    # 1,234,567,891.999999 ms: Node's Date rounds it
    assert entity_tag(st) == f'W/"5-{1_234_567_892:x}"'
    assert entity_tag(st, weak=False) == f'"5-{1_234_567_892:x}"'


def test_a_lone_surrogate_is_hashed_as_node_encodes_it() -> None:
    assert entity_tag("a\ud800") == entity_tag("a\ufffd")


def test_other_entities_are_refused() -> None:
    with pytest.raises(TypeError, match=r"must be str, bytes or os\.stat_result"):
        entity_tag(42)  # type: ignore[arg-type]


@given(st.binary(max_size=2000))
def test_every_byte_string_gets_a_well_formed_strong_tag(data: bytes) -> None:
    tag = entity_tag(data)
    assert re.fullmatch(r'"[0-9a-f]+-[A-Za-z0-9+/]{27}"', tag)
    assert int(tag[1:].split("-", 1)[0], 16) == len(data)
