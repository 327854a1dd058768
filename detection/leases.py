"""Leases on running jobs: which process runs a job, and until when it vouches for it.

A worker that claims a job writes itself as ``lease_holder`` (host, pid and a random part)
with ``lease_expires_at`` = now + ``DETECTION_LEASE_S``, and renews the lease while the
detector runs (one keeper thread per process renews every job it holds, every third of
the lease). A job is only taken from another holder once its lease has expired, or when
the holder is a process of this host that no longer exists (a worker killed mid-job) or
this very process, no longer running that execution.

The sweep (:func:`start_sweeper`: every ``DETECTION_SWEEP_INTERVAL_S`` in each process
that runs jobs) re-queues running jobs whose lease expired and queued jobs older than
``DETECTION_REQUEUE_QUEUED_AFTER_S`` (their broker message was lost), so nothing waits
for an operator. Running jobs whose holder is alive are never touched.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)


def this_host() -> str:
    return socket.gethostname()


def new_holder() -> str:
    """A name for one execution of a job, unique across hosts and retries."""
    return f"{this_host()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def lease_seconds() -> float:
    return float(settings.DETECTION_LEASE_S)


def expiry(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(seconds=lease_seconds())


def holder_is_dead(holder: str) -> bool:
    """True only when the holder was a process on this host that is gone."""
    parts = holder.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != this_host():
        return False  # another machine (or an unreadable holder): only the lease can tell
    try:
        pid = int(parts[1])
        if pid == os.getpid():
            # This very process: the holder is alive only while that execution runs (one
            # that ended on an error it could not report has left the job behind).
            return not _keeper.holds(holder)
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError, OverflowError):
        return False
    return False


def lease_lapsed(holder: str, expires_at: datetime | None, now: datetime | None = None) -> bool:
    """May another worker take this running job?"""
    if not holder or expires_at is None:
        return True  # claimed before leases existed, or by nobody
    return expires_at <= (now or timezone.now()) or holder_is_dead(holder)


class _Keeper:
    """Renews the leases of every job this process is running, from one thread."""

    def __init__(self) -> None:
        self._held: dict[Any, str] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()

    def hold(self, detection_id: Any, holder: str) -> None:
        with self._lock:
            self._held[detection_id] = holder
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)
                self._thread.start()

    def holds(self, holder: str) -> bool:
        with self._lock:
            return holder in self._held.values()

    def release(self, detection_id: Any) -> None:
        with self._lock:
            self._held.pop(detection_id, None)

    def _run(self) -> None:
        while True:
            self._wake.wait(lease_seconds() / 3)
            with self._lock:
                held = dict(self._held)
            if held:
                self.renew(held)

    def renew(self, held: dict[Any, str]) -> None:
        from .models import Detection, Status

        until = expiry()
        try:
            for detection_id, holder in held.items():
                Detection.objects.filter(
                    pk=detection_id, lease_holder=holder, status=Status.RUNNING
                ).update(lease_expires_at=until)
        except DatabaseError:
            # The lease may lapse meanwhile; a job taken over then runs twice, never lost.
            logger.warning("could not renew %d lease(s)", len(held), exc_info=True)
        finally:
            connection.close()  # this thread's own connection: hold none between renewals


_keeper = _Keeper()


@contextmanager
def held(detection_id: Any, holder: str) -> Iterator[None]:
    """Keep the job's lease alive while the block runs."""
    _keeper.hold(detection_id, holder)
    try:
        yield
    finally:
        _keeper.release(detection_id)


def start_sweeper(sweep: Callable[[], int], interval_s: float | None = None) -> bool:
    """Run ``sweep`` now and then every ``DETECTION_SWEEP_INTERVAL_S`` on a daemon thread
    of this process (once per process). False if sweeping is off (interval 0)."""
    interval = float(settings.DETECTION_SWEEP_INTERVAL_S if interval_s is None else interval_s)
    if interval <= 0:
        return False
    with _sweeper_lock:
        if _sweepers.get(os.getpid()):
            return True
        _sweepers[os.getpid()] = True

    def loop() -> None:
        while True:
            close_old_connections()
            try:
                count = sweep()
                if count:
                    logger.info("re-queued %d detection(s) whose worker was lost", count)
            except Exception:
                logger.warning(
                    "the detection sweep failed; next try in %s s", interval, exc_info=True
                )
            finally:
                connection.close()
            time.sleep(interval)

    threading.Thread(target=loop, name="detection-sweep", daemon=True).start()
    return True


_sweepers: dict[int, bool] = {}
_sweeper_lock = threading.Lock()
