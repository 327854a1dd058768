"""Signals other features hook into (webhooks, notifications) without the services
knowing about them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by ``result_store.detection_result_store`` once a detection's result is saved
# (a computed result, a reused one, or a live session's summary), with ``detection``.
# It may be sent inside a transaction (live summaries): a receiver that talks to the
# outside world should wrap that in ``transaction.on_commit``. A receiver that raises is
# logged and never fails the job (``send_robust``).
detection_finished = Signal()
