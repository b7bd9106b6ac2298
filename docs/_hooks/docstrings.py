"""MkDocs hook: render the Sphinx roles of the packages' docstrings as code.

The docstrings use reStructuredText roles (``:class:`Keygrip```,
``:meth:`~koa.core.Koa.use```); Markdown renders them as the role name
followed by a code span. This drops the role name, and the dotted prefix of
a ``~``-shortened target, on every page of the site.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:class|meth|func|attr|mod|data|exc|obj):(?=<code>)")
_TILDE = re.compile(r"<code>~(?:[\w]+\.)*([\w]+)</code>")


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    if ":" not in html:
        return html
    return _TILDE.sub(r"<code>\1</code>", _ROLE.sub("", html))
