"""Version of the koa-cors distribution."""

__version__ = "0.1.0"
