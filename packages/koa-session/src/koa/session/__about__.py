"""Version of the koa-session distribution."""

__version__ = "0.1.0"
