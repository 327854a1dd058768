"""How a failed job is told apart and retried, the same way by Celery tasks and by the
embedded worker thread (``tasks.py`` and ``dispatch.py``).

- Infrastructure errors (the database or broker briefly unreachable): retried with
  back-off for up to ``DETECTION_INFRA_RETRIES`` tries. They are not the job's fault and
  do not count as attempts: the retry resumes the same claim.
- Anything else a detector raises: the job is put back for another attempt while it has
  attempts left (``DETECTION_TASK_MAX_RETRIES`` + 1 in all), then fails with the reason.
"""

from __future__ import annotations

from functools import cache

from django.db import InterfaceError, OperationalError


@cache
def infrastructure_errors() -> tuple[type[BaseException], ...]:
    import kombu.exceptions
    import redis.exceptions

    return (
        OperationalError,
        InterfaceError,
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
        kombu.exceptions.OperationalError,
    )


def infra_backoff_s(tries: int) -> float:
    return float(min(2 ** (tries + 1), 15))


def crash_backoff_s(attempts: int) -> float:
    return float(min(2**attempts, 30))


def failure_message(modality: str | None, exc: BaseException) -> str:
    first_line = (str(exc).splitlines() or [""])[0][:200]
    where = f"the {modality} detector" if modality else "the detector"
    return f"internal error in {where}: {type(exc).__name__}: {first_line}".rstrip(": ")
