"""What the documentation says matches what happens (issue 17, item 17):
the attachment comment shows the name really sent, every package's README
links with URLs that work where a package index shows them, and
the root README says how to stop the example it starts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from koa.core.testing import create_context

ROOT = Path(__file__).resolve().parent.parent


def test_the_guides_attachment_comment_shows_the_header_sent() -> None:
    guide = (ROOT / "docs" / "guides" / "core.md").read_text(encoding="utf-8")
    match = re.search(r'ctx\.attachment\("([^"]+)"\)\s*# text/csv; (filename="[^"]*")', guide)
    assert match, "the guide's attachment example moved: update this test"
    ctx = create_context()
    ctx.attachment(match.group(1))
    assert match.group(2) in str(ctx.response.get("Content-Disposition"))


@pytest.mark.parametrize(
    "package", sorted(path.name for path in (ROOT / "packages").iterdir() if path.is_dir())
)
def test_a_package_readme_has_no_links_into_the_repository(package: str) -> None:
    """A README is the package's page on PyPI, where ``../../`` leads nowhere."""
    readme = (ROOT / "packages" / package / "README.md").read_text(encoding="utf-8")
    relative = re.findall(r"\]\((?!https?://|#)([^)]+)\)", readme)
    assert relative == []


def test_the_readme_says_how_to_stop_the_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "hatch run example" in first_block and "Ctrl+C" in first_block
