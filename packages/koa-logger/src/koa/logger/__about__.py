"""Version of the koa-logger distribution."""

__version__ = "0.1.0"
