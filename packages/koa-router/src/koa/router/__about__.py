"""Version of the koa-router distribution."""

__version__ = "0.1.0"
