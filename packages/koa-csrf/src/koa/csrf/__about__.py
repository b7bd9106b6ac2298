"""Version of the koa-csrf distribution."""

__version__ = "0.1.0"
