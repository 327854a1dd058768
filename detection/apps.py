from django.apps import AppConfig


class DetectionConfig(AppConfig):
    name = "detection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The circuit breaker registers its gauge with the metrics on import.
        from .execution import circuit  # noqa: F401
