"""Version of the koa-etag distribution."""

__version__ = "0.1.0"
