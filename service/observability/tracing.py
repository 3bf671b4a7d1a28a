"""Optional OpenTelemetry tracing, with the official instrumentation packages.

Imported only when OTEL_EXPORTER_OTLP_ENDPOINT is set. The packages are the `[tracing]` extra;
without them the service logs one warning and serves untraced. Spans: one per HTTP request
(opentelemetry-instrumentation-asgi) with the request id as ``request.id``, and one per SQL
statement (opentelemetry-instrumentation-asyncpg), sent in batches over OTLP/HTTP.
"""

from __future__ import annotations

import logging
import os
import threading

from starlette.middleware import Middleware

from service.config import Settings

log = logging.getLogger(__name__)

# Probes and scrapes would be most of the spans and say nothing.
EXCLUDED_URLS = "/healthz,/readyz,/metrics"
SERVICE_NAME = "transcripts-service"

_lock = threading.Lock()
_configured = False


def asgi_middleware(settings: Settings) -> list[Middleware]:
    """[OpenTelemetry's ASGI middleware] with the process's tracer provider set up (once per
    process: a provider is global); [] when the `[tracing]` extra is not installed."""
    try:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
    except ImportError:
        log.warning(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but the tracing packages are not installed "
            "(pip install 'transcripts-service[tracing]'): serving without tracing"
        )
        return []
    _configure(settings.otel_exporter_otlp_endpoint or "")
    return [Middleware(OpenTelemetryMiddleware, excluded_urls=EXCLUDED_URLS)]


def _configure(endpoint: str) -> None:
    global _configured
    with _lock:
        if _configured:
            return
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES still win (Resource.create reads them).
        resource = Resource.create({"service.name": SERVICE_NAME})
        if os.environ.get("OTEL_SERVICE_NAME"):
            resource = Resource.create()
        provider = TracerProvider(resource=resource)
        # The base URL gets the signal's path, as OTEL_EXPORTER_OTLP_ENDPOINT specifies; a
        # traces-specific endpoint in the environment is the exporter's to read.
        traces_url = None
        if not os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
            traces_url = endpoint.rstrip("/") + "/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=traces_url)))
        trace.set_tracer_provider(provider)
        AsyncPGInstrumentor().instrument(tracer_provider=provider)
        _configured = True
        log.info("tracing: spans exported to %s", traces_url or "the traces endpoint")


def annotate_request(request_id: str) -> None:
    """Put the request id on the request's span, so a trace and the log lines meet."""
    from opentelemetry import trace

    trace.get_current_span().set_attribute("request.id", request_id)
