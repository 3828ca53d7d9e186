"""Cycle overview, alignment tree, units, health, cycle close."""

from django.urls import path

from okrs.views import (
    planning_alignment,
    planning_close,
    planning_cycles,
    planning_health,
    planning_units,
)

urlpatterns = [
    path("company/", planning_cycles.cycle_overview, name="cycle_overview_current"),
    path("cycles/", planning_cycles.cycle_list, name="cycle_list"),
    path("cycles/new/", planning_cycles.cycle_create, name="cycle_create"),
    path("cycles/<int:cycle_id>/", planning_cycles.cycle_overview, name="cycle_overview"),
    path("cycles/<int:cycle_id>/edit/", planning_cycles.cycle_edit, name="cycle_edit"),
    path("cycles/<int:cycle_id>/activate/", planning_cycles.cycle_activate, name="cycle_activate"),
    path("cycles/<int:cycle_id>/close/", planning_close.cycle_close, name="cycle_close"),
    path("cycles/<int:cycle_id>/copy/", planning_close.cycle_copy, name="cycle_copy"),
    path(
        "objectives/<int:objective_id>/grade/",
        planning_close.objective_grade,
        name="objective_grade",
    ),
    path(
        "key-results/<int:key_result_id>/grade/",
        planning_close.key_result_grade,
        name="key_result_grade",
    ),
    path("alignment/", planning_alignment.alignment, name="alignment_current"),
    path("cycles/<int:cycle_id>/alignment/", planning_alignment.alignment, name="alignment"),
    path(
        "alignment/<int:objective_id>/children/",
        planning_alignment.alignment_children,
        name="alignment_children",
    ),
    path("units/", planning_units.unit_list, name="unit_list"),
    path("units/<int:unit_id>/", planning_units.unit_detail, name="unit_detail"),
    path("health/", planning_health.health, name="health"),
]
