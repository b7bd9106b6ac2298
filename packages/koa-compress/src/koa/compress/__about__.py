"""Version of the koa-compress distribution."""

__version__ = "0.1.0"
