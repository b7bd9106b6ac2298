"""Version of the koa-bodyparser distribution."""

__version__ = "0.1.0"
