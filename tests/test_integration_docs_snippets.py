"""The documentation's code cannot rot: every ```python block of ``docs/`` and
of the READMEs is checked here.

- Every block compiles (top-level ``await`` allowed, for fragments that show
  a test body).
- A *self-contained* block, one that assigns ``app`` at module level, is run:
  it must not start a server at import time (``app.run()`` goes under
  ``if __name__ == "__main__":``), its ``app`` must be a Koa app that answers
  ``GET /`` without a server error, and every ``async def test_*`` it defines
  is run too, with the ``client``/``serve`` fixtures when it asks for them.
- A block that includes a file (``--8<-- "examples/x.py"``) must name an
  existing example that has its own ``examples/test_examples_x.py``.

The root README is read too, but its first block starts the server at import
time (``app.run(port=3000)``), so only that block's ``run()`` is stubbed.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import types
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from koa.core import Koa
from koa.core.testing import Client, client_for, serving

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    *sorted((ROOT / "docs").glob("**/*.md")),
    *sorted(ROOT.glob("packages/*/README.md")),
    ROOT / "README.md",
]
_OPEN = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)")
_INCLUDE = re.compile(r'^--8<--\s+"(?P<path>[^"]+)"\s*$')


@dataclass(frozen=True)
class Block:
    """One fenced code block: where it is, its language and its dedented code."""

    path: Path
    line: int
    lang: str
    code: str

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def includes(self) -> list[str]:
        """The files a snippet-include block pulls in (empty for plain code)."""
        lines = [line.strip() for line in self.code.splitlines() if line.strip()]
        matches = [_INCLUDE.match(line) for line in lines]
        if lines and all(matches):
            return [match.group("path") for match in matches if match]
        return []


def read_blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown file (also those indented in lists)."""
    blocks: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = _OPEN.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, start = opening.group("indent"), index
        body: list[str] = []
        index += 1
        while index < len(lines) and lines[index].strip() != "```":
            line = lines[index]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            index += 1
        blocks.append(Block(path, start + 1, opening.group("lang"), "\n".join(body) + "\n"))
        index += 1
    return blocks


BLOCKS = [block for source in SOURCES for block in read_blocks(source)]
PYTHON = [block for block in BLOCKS if block.lang == "python" and not block.includes]
INCLUDES = [block for block in BLOCKS if block.includes]


def defines_app(tree: ast.Module) -> bool:
    """Whether the module assigns ``app`` at its top level."""
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(target, ast.Name) and target.id == "app" for target in targets):
            return True
    return False


def runs_a_server(tree: ast.Module) -> bool:
    """Whether a top-level statement (not under an ``if``) calls ``*.run(...)``."""
    for node in tree.body:
        if isinstance(node, ast.If):
            continue
        for call in ast.walk(node):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "run"
            ):
                return True
    return False


RUNNABLE = [block for block in PYTHON if defines_app(ast.parse(block.code))]


def test_docs_snippets_are_found() -> None:
    names = {source.relative_to(ROOT).as_posix() for source in SOURCES}
    assert {"docs/getting-started.md", "docs/coming-from-koa.md", "README.md"} <= names
    assert len(PYTHON) >= 40
    assert len(RUNNABLE) >= 20
    assert INCLUDES


@pytest.mark.parametrize("block", PYTHON, ids=lambda block: block.name)
def test_docs_python_block_compiles(block: Block) -> None:
    compile(block.code, block.name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


@pytest.mark.parametrize("block", INCLUDES, ids=lambda block: block.name)
def test_docs_include_names_a_tested_example(block: Block) -> None:
    for include in block.includes:
        path = ROOT / include
        assert path.is_file(), f"{block.name} includes a missing file {include}"
        if path.parent == ROOT / "examples" and path.suffix == ".py":
            assert (path.parent / f"test_examples_{path.stem}.py").is_file(), include


async def _run_tests(namespace: dict[str, Any]) -> list[str]:
    """Run the block's ``async def test_*`` functions; return their names."""
    ran: list[str] = []
    for name, fn in namespace.items():
        if not (name.startswith("test_") and inspect.iscoroutinefunction(fn)):
            continue
        async with AsyncExitStack() as stack:

            async def client(app: Koa) -> Client:
                return await stack.enter_async_context(client_for(app))

            async def serve(app: Koa) -> str:
                return await stack.enter_async_context(serving(app))

            fixtures: dict[str, Callable[[Koa], Awaitable[Any]]] = {
                "client": client,
                "serve": serve,
            }
            parameters = inspect.signature(fn).parameters
            assert set(parameters) <= set(fixtures), f"{name} asks for {list(parameters)}"
            await fn(**{parameter: fixtures[parameter] for parameter in parameters})
        ran.append(name)
    return ran


@pytest.fixture
async def stub_run() -> AsyncIterator[list[Koa]]:
    """``Koa.run`` that records its app instead of serving forever."""
    started: list[Koa] = []
    original = Koa.run

    def run(self: Koa, *args: Any, **kwargs: Any) -> None:
        started.append(self)

    Koa.run = run  # type: ignore[method-assign]
    try:
        yield started
    finally:
        Koa.run = original  # type: ignore[method-assign]


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda block: block.name)
async def test_docs_self_contained_block_runs(block: Block, stub_run: list[Koa]) -> None:
    tree = ast.parse(block.code)
    if block.path != ROOT / "README.md":
        assert not runs_a_server(tree), (
            f"{block.name}: guard app.run() with `if __name__ == '__main__':`"
        )
    # A real (temporary) module, so that dataclasses and pickling find it.
    module = types.ModuleType(f"docs_snippet_{abs(hash(block.name))}")
    namespace = module.__dict__
    code = compile(block.code, block.name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    sys.modules[module.__name__] = module
    try:
        result = eval(code, namespace)  # a coroutine when the block awaits at top level
        if inspect.iscoroutine(result):
            await result
    finally:
        del sys.modules[module.__name__]
    app = namespace["app"]
    assert isinstance(app, Koa), f"{block.name}: app is {app!r}"
    async with client_for(app) as client:
        reply = await client.get("/")
    assert reply.status < 500, f"{block.name}: GET / answered {reply.status} {reply.text}"
    await _run_tests(namespace)


DOCS_RUNNABLE = [block for block in RUNNABLE if block.path.is_relative_to(ROOT / "docs")]


def test_docs_self_contained_blocks_type_check(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The self-contained blocks of docs/ pass ``mypy --strict`` (skipped where
    mypy is not installed, as in the default test environment)."""
    api = pytest.importorskip("mypy.api")
    folder = tmp_path_factory.mktemp("docs-snippets-mypy")
    for index, block in enumerate(DOCS_RUNNABLE):
        (folder / f"snippet_{index}.py").write_text(block.code, encoding="utf-8")
    stdout, stderr, status = api.run(
        [
            "--strict",
            "--python-version=3.11",
            "--no-error-summary",
            f"--cache-dir={folder / '.mypy_cache'}",
            *(str(path) for path in sorted(folder.glob("*.py"))),
        ]
    )
    names = {f"snippet_{index}.py": block.name for index, block in enumerate(DOCS_RUNNABLE)}
    report = "\n".join(
        names.get(line.partition(":")[0].rpartition("/")[2], "") + ": " + line
        for line in stdout.splitlines()
    )
    assert status == 0, report + stderr
