"""Version of the koa-views distribution."""

__version__ = "0.1.0"
