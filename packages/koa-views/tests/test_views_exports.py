"""The public surface of ``koa.views``."""

from __future__ import annotations

import koa.views


def test_all_is_exactly_the_documented_public_names() -> None:
    assert sorted(koa.views.__all__) == [
        "Render",
        "TemplateMissingError",
        "TemplateRenderError",
        "ViewsContext",
        "ViewsError",
        "__version__",
        "views",
    ]
    for name in koa.views.__all__:
        assert getattr(koa.views, name) is not None
