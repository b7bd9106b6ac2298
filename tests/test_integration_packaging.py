"""The packaging contract of every distribution in packages/ (issue: à la carte installs)."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(p for p in (ROOT / "packages").iterdir() if (p / "pyproject.toml").exists())
NAMES = [p.name for p in PACKAGES]
MIDDLEWARE = [p for p in PACKAGES if p.name != "koa-core"]


#: The only middleware built on a sibling's public API (issue 20: the CSRF
#: secret lives in koa-session's session).
SIBLINGS: dict[str, set[str]] = {"koa-csrf": {"koa-session"}}


def _module(dist: str) -> str:
    return "koa." + dist.removeprefix("koa-").replace("-", "_")


def test_all_six_packages_exist() -> None:
    assert NAMES == [
        "koa-basic-auth", "koa-bodyparser", "koa-compress", "koa-core", "koa-cors", "koa-csrf",
        "koa-etag", "koa-helmet", "koa-jwt", "koa-logger", "koa-mount", "koa-opentelemetry",
        "koa-ratelimit", "koa-router", "koa-session", "koa-static", "koa-views",
    ]  # fmt: skip


@pytest.mark.parametrize("package", PACKAGES, ids=NAMES)
def test_package_ships_what_a_published_package_needs(package: Path) -> None:
    module_dir = package / "src" / "koa" / _module(package.name).removeprefix("koa.")
    for needed in ("README.md", "CHANGELOG.md", "LICENSE"):
        assert (package / needed).is_file(), needed
    assert (module_dir / "py.typed").is_file()
    assert (module_dir / "__about__.py").is_file()
    assert not (package / "src" / "koa" / "__init__.py").exists()
    assert re.search(r"^## \[\d+\.\d+\.\d+\]", (package / "CHANGELOG.md").read_text(), re.M)
    project = tomllib.loads((package / "pyproject.toml").read_text())["project"]
    assert project["name"] == package.name
    assert project["dynamic"] == ["version"]
    assert "Framework :: AsyncIO" in project["classifiers"]
    assert "Typing :: Typed" in project["classifiers"]
    assert project["license"] == "MIT"
    assert "pip install " + package.name in (package / "README.md").read_text()


@pytest.mark.parametrize("package", MIDDLEWARE, ids=[p.name for p in MIDDLEWARE])
def test_middleware_packages_declare_a_koa_core_range_and_no_sibling(package: Path) -> None:
    deps = tomllib.loads((package / "pyproject.toml").read_text())["project"]["dependencies"]
    core = [d for d in deps if d.startswith("koa-core")]
    assert core and re.fullmatch(r"koa-core>=[\d.]+,<[\d.]+", core[0].replace(" ", ""))
    siblings = [d for d in deps if d.startswith("koa-") and not d.startswith("koa-core")]
    for sibling in siblings:  # only the declared exceptions, each with a range
        assert re.fullmatch(r"koa-[a-z]+>=[\d.]+,<[\d.]+", sibling.replace(" ", ""))
    assert {re.split(r"[<>=]", d)[0] for d in siblings} == SIBLINGS.get(package.name, set())


@pytest.mark.parametrize("package", NAMES)
def test_importing_a_package_pulls_in_no_sibling(package: str) -> None:
    code = (
        f"import json, sys; import {_module(package)}; "
        "print(json.dumps(sorted({m.split('.')[1] for m in sys.modules "
        "if m.startswith('koa.') and m.count('.') >= 1})))"
    )
    loaded = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))
    allowed = {"core", _module(package).removeprefix("koa.")}
    allowed |= {_module(s).removeprefix("koa.") for s in SIBLINGS.get(package, set())}
    assert set(loaded) <= allowed, set(loaded) - allowed


@pytest.mark.parametrize("package", NAMES)
def test_every_public_name_has_a_docstring(package: str) -> None:
    module = __import__(_module(package), fromlist=["__all__"])
    missing = [
        name
        for name in module.__all__
        if not name.startswith("__")
        and (inspect.isclass(getattr(module, name)) or inspect.isfunction(getattr(module, name)))
        and not (getattr(module, name).__doc__ or "").strip()
    ]
    assert missing == []
