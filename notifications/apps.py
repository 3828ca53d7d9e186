from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from notifications.beat import ensure_dispatch_schedule

        # After every `migrate`: make sure the hourly dispatcher exists in django-celery-beat.
        post_migrate.connect(ensure_dispatch_schedule, sender=self)
