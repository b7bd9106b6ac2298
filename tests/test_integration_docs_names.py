"""The Python names the docs mention exist.

Every inline code span of ``docs/`` that names a member of ``ctx``,
``ctx.request``, ``ctx.response``, ``app`` or ``router`` (``ctx.accepts_encodings()``,
``app.on_startup``, ``router.del_``) must name a real member, or one that a
package documents it adds at run time. In "Coming from Koa.js", only the
Python column is checked (the first column holds Koa.js names). JavaScript
spellings quoted in prose (camelCase, ``=>``) are skipped.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from koa.bodyparser import BodyRequest
from koa.compress import CompressContext
from koa.core import Context, Koa, Request, Response
from koa.csrf import CsrfContext
from koa.router import Router, RouterContext, RouterRequest
from koa.views import ViewsContext

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("**/*.md"))
COMING_FROM_KOA = ROOT / "docs" / "coming-from-koa.md"

_SPAN = re.compile(r"`([^`\n]+)`")
_NAME = re.compile(
    r"^(?P<owner>ctx\.request|ctx\.response|ctx|app|router|request|response)\.(?P<name>\w+)"
)
_CAMEL = re.compile(r"[a-z][A-Z]")


def _members(*classes: type, extra: frozenset[str] | set[str] = frozenset()) -> set[str]:
    names = set(extra)
    for cls in classes:
        names.update(dir(cls))
        for klass in cls.__mro__:
            names.update(inspect.get_annotations(klass))
    return names


def _known() -> dict[str, set[str]]:
    # Attributes that middleware set on ctx at run time, and the illustrative
    # ones the docs' own examples create (`ctx.user = ...`).
    runtime_ctx = {"mount_path", "new_router_path", "disable_body_parser", "user", "db", "greeting"}
    request = _members(Request, RouterRequest, BodyRequest, extra={"user_agent"})
    return {
        "ctx": _members(
            Context, RouterContext, ViewsContext, CsrfContext, CompressContext, extra=runtime_ctx
        ),
        "ctx.request": request,
        "request": request,
        "ctx.response": _members(Response),
        "response": _members(Response),
        "app": _members(Koa, extra=set(vars(Koa()))),
        "router": _members(Router, extra=set(vars(Router()))),
    }


def _spans(path: Path) -> list[tuple[int, str]]:
    """(line number, code span) of the file; only the second column of tables
    on the Coming from Koa.js page."""
    found: list[tuple[int, str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            continue
        text = line
        if path == COMING_FROM_KOA:
            cells = line.split(" | ")
            if not line.startswith("|") or len(cells) < 3:
                continue
            text = cells[1]
        found.extend((number, span) for span in _SPAN.findall(text))
    return found


def _mentions() -> list[tuple[str, str, str]]:
    """(where, owner, name) of every member the docs mention."""
    mentions: list[tuple[str, str, str]] = []
    for path in DOCS:
        in_code_block = False
        lines = path.read_text(encoding="utf-8").splitlines()
        fenced = set()
        for number, line in enumerate(lines, 1):
            if line.lstrip().startswith("```"):
                in_code_block = not in_code_block
                fenced.add(number)
            elif in_code_block:
                fenced.add(number)
        for number, span in _spans(path):
            if number in fenced or "=>" in span or _CAMEL.search(span.split("(")[0]):
                continue
            match = _NAME.match(span)
            if match:
                where = f"{path.relative_to(ROOT)}:{number}"
                mentions.append((where, match.group("owner"), match.group("name")))
    return mentions


MENTIONS = _mentions()
KNOWN = _known()


def test_docs_mention_many_members() -> None:
    assert len(MENTIONS) > 150
    assert {owner for _, owner, _ in MENTIONS} >= {"ctx", "ctx.request", "app", "router"}


@pytest.mark.parametrize("page", DOCS, ids=lambda page: str(page.relative_to(ROOT)))
def test_docs_members_mentioned_exist(page: Path) -> None:
    prefix = f"{page.relative_to(ROOT)}:"
    missing = sorted(
        f"{where}: `{owner}.{name}`"
        for where, owner, name in MENTIONS
        if where.startswith(prefix) and name not in KNOWN[owner]
    )
    assert not missing, "not a real member:\n" + "\n".join(missing)
