"""Log lines as plain text or JSON (LOG_FORMAT), each carrying the id of the request it was
written for.

JSON comes from python-json-logger: a Formatter for the standard library's logging, which this
code base and uvicorn already log through, so no call site changes (structlog would have its
own logger API, or need its stdlib bridge for the same result). ``logging_config`` is one
dictConfig for the CLI and for uvicorn (its ``log_config``), so uvicorn's own lines, access log
included, come out in the same format, also in worker processes it starts.
"""

from __future__ import annotations

import logging
from typing import Any

from service.observability import REQUEST_ID

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(request_tag)s: %(message)s"
# uvicorn's records carry a colourised copy of the message; not worth a JSON field.
_DROPPED = ("color_message",)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (None outside a request) and, for the text format, ``request_tag``
    (" [id]" or ""). The id is the contextvar the HTTP middleware sets, so tasks and threads
    started while handling a request carry it too."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = REQUEST_ID.get()
        record.request_id = request_id
        record.request_tag = f" [{request_id}]" if request_id else ""
        return True


def json_formatter() -> logging.Formatter:
    """One JSON object a line: timestamp, level, logger, message, request_id, and any extra
    fields given to the call; exceptions as exc_info text."""
    from pythonjsonlogger.core import RESERVED_ATTRS
    from pythonjsonlogger.orjson import OrjsonFormatter

    return OrjsonFormatter(
        ["levelname", "name", "message"],
        rename_fields={"levelname": "level", "name": "logger"},
        reserved_attrs=[*RESERVED_ATTRS, *_DROPPED, "request_tag"],
        timestamp=True,
    )


def logging_config(level: str, log_format: str) -> dict[str, Any]:
    """The dictConfig: one stderr handler on the root logger; uvicorn's loggers hand their
    records to it instead of keeping handlers of their own."""
    formatter: dict[str, Any] = (
        {"()": json_formatter} if log_format == "json" else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"service": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "service",
                "filters": ["request_id"],
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            name: {"handlers": [], "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


def configure_logging(level: str, log_format: str) -> None:
    import logging.config

    logging.config.dictConfig(logging_config(level, log_format))
