"""The public surface of koa.mount is exactly the documented names."""

from __future__ import annotations

import koa.mount


def test_mount_exports_exactly_the_documented_names() -> None:
    assert sorted(koa.mount.__all__) == ["MountContext", "__version__", "mount"]
    for name in koa.mount.__all__:
        assert hasattr(koa.mount, name)
