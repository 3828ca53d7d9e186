"""Personal API token settings pages (owned by the API work)."""

urlpatterns: list = []
