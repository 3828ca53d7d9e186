"""/api/v1/orgs/<org_slug>/… routes of the OKR app."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from okrs.api.views import (
    CommentViewSet,
    CycleViewSet,
    InitiativeViewSet,
    KeyResultViewSet,
    ObjectiveViewSet,
    RiskViewSet,
    search,
)
from okrs.api.views.health import HealthSectionView, HealthView
from okrs.api.views.trash import TrashedKeyResultViewSet, TrashedObjectiveViewSet

router = SimpleRouter(trailing_slash=True)
router.register("cycles", CycleViewSet, basename="api-cycle")
router.register("objectives", ObjectiveViewSet, basename="api-objective")
router.register("key-results", KeyResultViewSet, basename="api-key-result")
router.register("initiatives", InitiativeViewSet, basename="api-initiative")
router.register("risks", RiskViewSet, basename="api-risk")
router.register("comments", CommentViewSet, basename="api-comment")
router.register("trash/objectives", TrashedObjectiveViewSet, basename="api-trash-objective")
router.register("trash/key-results", TrashedKeyResultViewSet, basename="api-trash-key-result")

urlpatterns = [
    path("health/", HealthView.as_view(), name="api-health"),
    path("health/<str:section>/", HealthSectionView.as_view(), name="api-health-section"),
    path("search/", search.SearchView.as_view(), name="api-search"),
    path("search/objectives/", search.SearchObjectivesView.as_view(), name="api-search-objectives"),
    path(
        "search/key-results/",
        search.SearchKeyResultsView.as_view(),
        name="api-search-key-results",
    ),
    path("search/people/", search.SearchPeopleView.as_view(), name="api-search-people"),
    path("search/units/", search.SearchUnitsView.as_view(), name="api-search-units"),
    *router.urls,
]
