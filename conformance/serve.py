"""Starts the Koa for Python app(s) of one conformance scenario on loopback
ports the OS picks, and prints ``LISTENING <name> <port>`` per app, then
``READY``. Usage: ``python serve.py <scenario dir>``. The scenario's ``app.py``
defines ``app`` (a ``Koa``), or ``apps = {"main": app, "other": app2}`` when its
requests target several apps."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any


def load_apps(directory: Path) -> dict[str, Any]:
    """The scenario's apps by name, from its ``app.py``."""
    spec = importlib.util.spec_from_file_location("conformance_app", directory / "app.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {directory / 'app.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    apps = getattr(module, "apps", None)
    if apps is None:
        apps = {"main": module.app}
    return dict(apps)


async def serve(directory: Path) -> None:
    """Listen with every app, announce the ports, then wait to be killed."""
    handles = []
    for name, app in load_apps(directory).items():
        handle = await app.listen(0, "127.0.0.1", access_log=None)
        handles.append(handle)
        print(f"LISTENING {name} {handle.port}", flush=True)
    print("READY", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    scenario = Path(sys.argv[1]).resolve()
    os.chdir(scenario)
    sys.path.insert(0, str(scenario))
    asyncio.run(serve(scenario))
