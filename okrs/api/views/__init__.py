"""OKR API endpoints (one module per resource)."""

from okrs.api.views.collaboration import CommentViewSet, InitiativeViewSet, RiskViewSet
from okrs.api.views.cycles import CycleViewSet
from okrs.api.views.key_results import KeyResultViewSet
from okrs.api.views.objectives import ObjectiveViewSet

__all__ = [
    "CommentViewSet",
    "CycleViewSet",
    "InitiativeViewSet",
    "KeyResultViewSet",
    "ObjectiveViewSet",
    "RiskViewSet",
]
