"""Version of the koa-jwt distribution."""

__version__ = "0.1.0"
