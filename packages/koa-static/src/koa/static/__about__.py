"""Version of the koa-static distribution."""

__version__ = "0.1.0"
