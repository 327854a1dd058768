"""Logging: one JSON object per line (production) or plain lines (embedded mode).

Every line written while a detection is being handled carries its id: services set a
context variable (:func:`log_context`), and :class:`ContextFilter` copies it onto each
record, so a worker's lines, a task's Celery lines and the service's own lines can be
joined on ``detection_id``. :class:`RedactFilter` removes API tokens and bearer values
from messages before any handler sees them: a token must never reach a log.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

detection_id_var: ContextVar[str | None] = ContextVar("detection_id", default=None)

_TOKEN = re.compile(r"adt_[A-Za-z0-9_\-]{6,}")
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"',;]+")
# Attributes every LogRecord has; anything else was passed with extra= and is logged.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "detection_id"}


def redact(text: str) -> str:
    return _BEARER.sub(r"\1[redacted]", _TOKEN.sub("adt_[redacted]", text))


@contextmanager
def log_context(*, detection_id: str | None) -> Iterator[None]:
    token = detection_id_var.set(detection_id)
    try:
        yield
    finally:
        detection_id_var.reset(token)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "detection_id", None) is None:
            record.__dict__["detection_id"] = detection_id_var.get()
        return True


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
            "thread": record.threadName,
        }
        if getattr(record, "detection_id", None):
            entry["detection_id"] = record.__dict__["detection_id"]
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if _jsonable(value) else repr(value)
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        detection_id = getattr(record, "detection_id", None)
        line = f"{line} [detection {detection_id}]" if detection_id else line
        return redact(line)


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def logging_config(*, level: str, fmt: str) -> dict[str, Any]:
    """The LOGGING dict for settings: ``fmt`` is "json" or "plain"."""
    formatter = "json" if fmt == "json" else "plain"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "detection.ops.logging.ContextFilter"},
            "redact": {"()": "detection.ops.logging.RedactFilter"},
        },
        "formatters": {
            "json": {"()": "detection.ops.logging.JsonFormatter"},
            "plain": {
                "()": "detection.ops.logging.PlainFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "filters": ["context", "redact"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.channels.server": {"level": "WARNING"}},
    }
