"""Tokens: the csrf npm package's algorithm (its own test suite's cases)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koa.csrf import Tokens

tokens = Tokens()


def test_a_secret_is_18_random_bytes_in_url_safe_base64() -> None:
    secret = tokens.secret()
    assert re.fullmatch(r"[A-Za-z0-9_-]{24}", secret)
    assert secret != tokens.secret()


def test_a_token_is_salt_dash_url_safe_sha1_of_salt_dash_secret() -> None:
    token = tokens.create("s3cr3t")
    salt, digest = token.split("-", 1)
    assert re.fullmatch(r"[A-Za-z0-9]{8}", salt)
    expected = base64.urlsafe_b64encode(hashlib.sha1(f"{salt}-s3cr3t".encode()).digest())
    assert digest == expected.decode().rstrip("=")


def test_each_token_has_a_new_salt() -> None:
    assert tokens.create("s") != tokens.create("s")


def test_a_token_verifies_against_its_secret_only() -> None:
    secret = tokens.secret()
    token = tokens.create(secret)
    assert tokens.verify(secret, token)
    assert not tokens.verify(tokens.secret(), token)


def test_a_known_token_of_the_npm_package_verifies() -> None:
    # csrf@3: tokens._tokenize('secret', 'salt') (pillarjs/csrf's own test value)
    assert Tokens._tokenize("secret", "salt") == "salt-" + base64.urlsafe_b64encode(
        hashlib.sha1(b"salt-secret").digest()
    ).decode().rstrip("=")


@pytest.mark.parametrize(
    "token", ["", "-", "--", "nodash", "salt-", "-hash", "a-b-c", "x" * 10_000, "é-ü", "🦊-🦊"]
)
def test_malformed_tokens_do_not_verify(token: str) -> None:
    assert not tokens.verify("secret", token)


@pytest.mark.parametrize("value", [None, 0, 1, [], {}, b"bytes", ["a-b"]])
def test_tokens_and_secrets_that_are_not_strings_do_not_verify(value: object) -> None:
    assert not tokens.verify("secret", value)
    assert not tokens.verify(value, tokens.create("secret"))


def test_create_needs_a_secret() -> None:
    with pytest.raises(TypeError, match="secret"):
        tokens.create("")


def test_lengths_are_configurable_and_checked() -> None:
    custom = Tokens(salt_length=4, secret_length=32)
    assert len(custom.create("s").split("-")[0]) == 4
    assert len(custom.secret()) == 43
    with pytest.raises(TypeError, match="salt_length"):
        Tokens(salt_length=0)


@given(st.text(max_size=200), st.text(min_size=1, max_size=50))
def test_any_string_is_a_verdict_never_an_error(token: str, secret: str) -> None:
    assert tokens.verify(secret, token) in (True, False)
    assert tokens.verify(secret, tokens.create(secret))
