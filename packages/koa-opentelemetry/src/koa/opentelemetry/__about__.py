"""Version of the koa-opentelemetry distribution."""

__version__ = "0.1.0"
