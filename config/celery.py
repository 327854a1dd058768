from __future__ import annotations

import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("aidetect")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def task_named(name: str) -> Any:
    """A registered task by name, importing the apps' task modules first if need be (the
    web process sends by name: the modules that enqueue never import the tasks, which
    import them)."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]
