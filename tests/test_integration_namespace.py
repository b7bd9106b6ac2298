"""`koa` stays a PEP 420 namespace package shared by every distribution."""

from __future__ import annotations

import pathlib

import koa

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_koa_is_a_namespace_package() -> None:
    # A stray koa/__init__.py in any distribution would turn `koa` into a
    # regular package and hide every other distribution's koa.* subpackage.
    assert getattr(koa, "__file__", None) is None
    assert type(koa.__path__).__name__ == "_NamespacePath"


def test_no_package_ships_a_koa_init() -> None:
    assert not list(ROOT.glob("packages/*/src/koa/__init__.py"))
