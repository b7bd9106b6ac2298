"""Version of the koa-basic-auth distribution."""

__version__ = "0.1.0"
