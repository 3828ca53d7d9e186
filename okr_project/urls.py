from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from okr_project import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("o/<slug:org_slug>/people/", include("accounts.org_urls")),
    path("o/<slug:org_slug>/notifications/", include("notifications.urls")),
    path("o/<slug:org_slug>/security/", include("accounts.security_urls")),
    path("o/<slug:org_slug>/", include("okrs.urls")),
    path("api/v1/", include("okr_project.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Logged-in people only (the schema too: SERVE_PERMISSIONS); the split view serves its
    # start-up script as a file, so the CSP needs no inline script. Assets: the sidecar.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]

handler404 = "okr_project.views.not_found"
handler500 = "okr_project.views.server_error"
