"""Version of the koa-ratelimit distribution."""

__version__ = "0.1.0"
