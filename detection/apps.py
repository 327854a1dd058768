from django.apps import AppConfig


class DetectionConfig(AppConfig):
    name = "detection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The circuit breaker registers its gauge with the metrics on import.
        from .execution import circuit  # noqa: F401

        # Posts follow their parts, and callbacks their jobs, through signals; both have
        # their own admin pages; the webhook task must be known to the workers.
        from .labels import admin as labels_admin  # noqa: F401
        from .posts import admin, signals  # noqa: F401
        from .webhooks import admin as webhooks_admin  # noqa: F401
        from .webhooks import signals as webhooks_signals  # noqa: F401
        from .webhooks import tasks  # noqa: F401
