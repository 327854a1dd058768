"""Celery task: one delivery attempt, then the next one scheduled with its back-off."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="detection.webhooks.deliver", acks_late=True, ignore_result=True)
def deliver_webhook(callback_id: str) -> None:
    from .dispatch import attempt_then_schedule

    attempt_then_schedule(callback_id)
