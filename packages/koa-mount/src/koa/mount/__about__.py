"""Version of the koa-mount distribution."""

__version__ = "0.1.0"
