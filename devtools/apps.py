from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Benchmarks and load tests (`make bench`, `make bench-fanout`, `make load`) and the
    10,000-person `bench` company they run on. Installed outside production only; no product
    app imports it."""

    name = "devtools"
    default_auto_field = "django.db.models.BigAutoField"
