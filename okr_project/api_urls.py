"""Everything under /api/v1/. Each app contributes its routers."""

from django.urls import include, path, re_path

from okr_project.problem_details import api_not_found

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("orgs/<slug:org_slug>/", include("okrs.api.urls")),
    path("orgs/<slug:org_slug>/", include("notifications.api")),
    # Last: any other /api/v1/ path is a problem-details 404, also with DEBUG on (where
    # Django would render its HTML page) and for a POST missing its trailing slash.
    re_path(r"^.*$", api_not_found),
]
