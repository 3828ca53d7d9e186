"""Everything under /api/v1/. Each app contributes its routers."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("orgs/<slug:org_slug>/", include("okrs.api.urls")),
]
