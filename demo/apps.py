from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo companies for `make run` and the tests (`manage.py seed_demo`). Installed outside
    production only; no product app imports it."""

    name = "demo"
    default_auto_field = "django.db.models.BigAutoField"
