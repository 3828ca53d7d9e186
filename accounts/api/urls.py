"""/api/v1/ routes of the accounts app: auth, my organizations, people, invitations, settings."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from accounts.api import organization, security, tokens, views

org_router = SimpleRouter(trailing_slash=True)
org_router.register("members", views.MemberViewSet, basename="api-member")
org_router.register("units", views.UnitViewSet, basename="api-unit")
org_router.register("invitations", organization.InvitationViewSet, basename="api-invitation")

token_router = SimpleRouter(trailing_slash=True)
token_router.register("tokens", tokens.ApiTokenViewSet, basename="api-token")

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="api-token-obtain"),
    *token_router.urls,
    path("orgs/", views.OrganizationListView.as_view(), name="api-org-list"),
    path(
        "orgs/<slug:org_slug>/security-events/",
        security.SecurityEventListView.as_view(),
        name="api-security-events",
    ),
    path(
        "orgs/<slug:org_slug>/settings/",
        organization.OrganizationSettingsView.as_view(),
        name="api-org-settings",
    ),
    path(
        "orgs/<slug:org_slug>/deletion/",
        organization.OrganizationDeletionView.as_view(),
        name="api-org-deletion",
    ),
    path("orgs/<slug:org_slug>/", include(org_router.urls)),
]
