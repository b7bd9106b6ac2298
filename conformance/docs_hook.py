"""MkDocs hook: renders conformance/deviations.toml into docs/conformance.md
where the page holds the marker ``<!-- conformance:deviations -->``, so the
site always shows the list the runner checks against."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

MARKER = "<!-- conformance:deviations -->"
HERE = Path(__file__).resolve().parent


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Replace the marker with the rendered deviations."""
    if MARKER not in markdown:
        return markdown
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    from run import render_markdown

    return markdown.replace(MARKER, render_markdown())
