"""/o/<org_slug>/security/: the organization's security log (admins)."""

from django.urls import path

from accounts.views import security

app_name = "security"

urlpatterns = [
    path("", security.security_log, name="log"),
]
