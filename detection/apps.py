from django.apps import AppConfig


class DetectionConfig(AppConfig):
    name = "detection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Posts follow their parts through signals, and have their own admin pages.
        from .posts import admin, signals  # noqa: F401
