"""Every public surface is the one its ``__all__`` says, in both directions
(as httpx's test_exported_members): a package's ``__init__`` binds exactly
the names of its ``__all__``, and each public module of koa-core defines no
public name that its ``__all__`` leaves out, nor lists one it lacks. A
helper that should stay internal gets a ``_`` name; one that is public gets
into ``__all__``, a docstring and the reference."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import types
from pathlib import Path

import pytest

import koa.core

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = sorted(
    "koa." + p.name.removeprefix("koa-").replace("-", "_")
    for p in (ROOT / "packages").iterdir()
    if (p / "pyproject.toml").exists()
)
CORE_MODULES = sorted(
    "koa.core." + info.name
    for info in pkgutil.iter_modules(koa.core.__path__)
    if not info.name.startswith("_")
)


def defined_public_names(module: types.ModuleType) -> set[str]:
    """The public names *module*'s own top level defines (not the imported ones)."""
    names: set[str] = set()
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_")}


@pytest.mark.parametrize("name", PACKAGES)
def test_a_package_binds_exactly_the_names_of_its_all(name: str) -> None:
    package = importlib.import_module(name)
    bound = sorted(
        member
        for member, value in vars(package).items()
        if (not member.startswith("_") or member == "__version__")
        and not isinstance(value, types.ModuleType)
    )
    assert sorted(package.__all__) == bound


def test_koa_core_s_public_modules_are_the_known_ones() -> None:
    """A new public module is a new public surface: add it here on purpose."""
    assert [m.removeprefix("koa.core.") for m in CORE_MODULES] == [
        "application",
        "asgi",
        "compose",
        "context",
        "cookies",
        "errors",
        "http",
        "request",
        "response",
        "statuses",
        "testing",
        "types",
        "worker",
    ]


@pytest.mark.parametrize("name", CORE_MODULES)
def test_a_public_module_lists_every_public_name_it_defines(name: str) -> None:
    module = importlib.import_module(name)
    assert sorted(defined_public_names(module) - set(module.__all__)) == []


@pytest.mark.parametrize("name", CORE_MODULES)
def test_a_public_module_has_every_name_its_all_lists(name: str) -> None:
    module = importlib.import_module(name)
    assert [member for member in module.__all__ if not hasattr(module, member)] == []
