"""Version of the koa-core distribution."""

__version__ = "0.1.0"
