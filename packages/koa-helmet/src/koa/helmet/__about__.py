"""Version of the koa-helmet distribution."""

__version__ = "0.1.0"
