"""Finding the app ``koa serve`` runs: ``module:attribute``."""

from __future__ import annotations

import importlib
import sys

from .application import Koa

__all__ = ["load_app"]


def load_app(target: str) -> Koa:
    """Import ``module:attribute`` (``attribute`` defaults to ``app``) and check
    it is a Koa app; a callable attribute is called as a factory."""
    module_name, _, attribute = target.partition(":")
    if not module_name:
        raise SystemExit(f"koa: expected module:app, got {target!r}")
    if "" not in sys.path and "." not in sys.path:
        sys.path.insert(0, "")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name != module_name.split(".")[0] and err.name != module_name:
            raise
        raise SystemExit(f"koa: cannot import {module_name!r}: {err}") from None
    try:
        app = getattr(module, attribute or "app")
    except AttributeError:
        raise SystemExit(f"koa: {module_name!r} has no attribute {attribute or 'app'!r}") from None
    if not isinstance(app, Koa) and callable(app):
        app = app()
    if not isinstance(app, Koa):
        raise SystemExit(f"koa: {target!r} is not a Koa application")
    return app
