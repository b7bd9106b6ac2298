"""The public surface of koa.static is exactly the documented names."""

from __future__ import annotations

import koa.static


def test_static_exports_exactly_the_documented_names() -> None:
    assert sorted(koa.static.__all__) == ["__version__", "send", "serve"]
    for name in koa.static.__all__:
        assert hasattr(koa.static, name)
