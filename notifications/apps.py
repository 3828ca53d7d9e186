from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from notifications.beat import ensure_schedules
        from notifications.tasks import on_conversation
        from okrs.signals import conversation

        # After every `migrate`: make sure the periodic tasks exist in django-celery-beat.
        post_migrate.connect(ensure_schedules, sender=self)
        # Mentions and comments (sent by okrs after commit) become notification tasks.
        conversation.connect(on_conversation, dispatch_uid="notifications.on_conversation")
