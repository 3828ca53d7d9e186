from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and organizations"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.checks import register_checks
        from accounts.models import User
        from accounts.services.passwords import on_user_saved
        from accounts.services.security_events import connect_signals

        connect_signals()
        register_checks()
        # A new password revokes the person's API tokens and is logged, whichever way it
        # was set (accounts.services.passwords).
        post_save.connect(on_user_saved, sender=User, dispatch_uid="cairn.accounts.password")
