"""The app the koa-opentelemetry serving tests run in real server processes
(koa serve --workers, gunicorn): instrumented at import, the SDK set up in
each worker by on_startup, as docs/production-observability.md says, with an
exporter writing one JSON line per span to ``$OTEL_TEST_SPANS.<pid>``."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

from koa.core import Koa, Next
from koa.opentelemetry import KoaInstrumentor
from koa.router import Router, RouterContext


class FileExporter(SpanExporter):
    """One JSON line per span, in a file of this process's own."""

    def __init__(self, path: str) -> None:
        self.path = f"{path}.{os.getpid()}"

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        with open(self.path, "a", encoding="utf-8") as file:
            for span in spans:
                record = {"name": span.name, "pid": os.getpid(), **(span.attributes or {})}
                file.write(json.dumps(record) + "\n")
        return SpanExportResult.SUCCESS


def start_telemetry(app: Koa) -> None:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(FileExporter(os.environ["OTEL_TEST_SPANS"])))
    trace.set_tracer_provider(provider)


async def show(ctx: RouterContext, next: Next) -> None:
    ctx.body = {"id": ctx.params["id"], "pid": os.getpid()}


router = Router()
router.get("/users/:id", show)
app = Koa(silent=True)
app.on_startup.append(start_telemetry)
app.use(router.routes()).use(router.allowed_methods())
KoaInstrumentor().instrument_app(app)
