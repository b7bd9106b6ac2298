"""The event loop a server runs on: auto (uvloop when installed), asyncio, uvloop."""

from __future__ import annotations

import asyncio
import sys

import pytest
import uvloop

from koa.core._loops import loop_factory, run


def test_asyncio_is_asyncios_own_loop() -> None:
    assert loop_factory("asyncio") is asyncio.new_event_loop


def test_auto_is_uvloop_when_it_is_installed() -> None:
    assert loop_factory("auto") is uvloop.new_event_loop


def test_auto_falls_back_to_asyncio_without_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import uvloop now fails
    assert loop_factory("auto") is asyncio.new_event_loop


def test_uvloop_without_uvloop_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)
    with pytest.raises(RuntimeError, match=r"pip install 'koa-core\[speedups\]'"):
        loop_factory("uvloop")


def test_an_unknown_loop_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="auto, asyncio, uvloop"):
        loop_factory("trio")


def test_run_runs_a_coroutine_on_the_loop_chosen() -> None:
    async def kind() -> str:
        return type(asyncio.get_running_loop()).__module__

    assert run(kind(), "uvloop") == "uvloop"
    assert run(kind(), "asyncio") == "asyncio.unix_events"
