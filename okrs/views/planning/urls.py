"""Cycle overview, alignment tree, units, health, cycle close."""

from django.urls import path

from okrs.views.planning import alignment, close, cycles, health, trash, units

urlpatterns = [
    path("company/", cycles.cycle_overview, name="cycle_overview_current"),
    path("cycles/", cycles.cycle_list, name="cycle_list"),
    path("cycles/new/", cycles.cycle_create, name="cycle_create"),
    path("cycles/<int:cycle_id>/", cycles.cycle_overview, name="cycle_overview"),
    path("cycles/<int:cycle_id>/edit/", cycles.cycle_edit, name="cycle_edit"),
    path("cycles/<int:cycle_id>/activate/", cycles.cycle_activate, name="cycle_activate"),
    path("cycles/<int:cycle_id>/close/", close.cycle_close, name="cycle_close"),
    path("cycles/<int:cycle_id>/grades/", close.cycle_grades, name="cycle_grades"),
    path("cycles/<int:cycle_id>/copy/", close.cycle_copy, name="cycle_copy"),
    path(
        "objectives/<int:objective_id>/grade/",
        close.objective_grade,
        name="objective_grade",
    ),
    path(
        "key-results/<int:key_result_id>/grade/",
        close.key_result_grade,
        name="key_result_grade",
    ),
    path("alignment/", alignment.alignment, name="alignment_current"),
    path("alignment/search/", alignment.objective_search, name="objective_search"),
    path("cycles/<int:cycle_id>/alignment/", alignment.alignment, name="alignment"),
    path(
        "alignment/<int:objective_id>/children/",
        alignment.alignment_children,
        name="alignment_children",
    ),
    path("units/", units.unit_list, name="unit_list"),
    path("units/<int:unit_id>/", units.unit_detail, name="unit_detail"),
    path("health/", health.health, name="health"),
    path("trash/", trash.trash, name="trash"),
    path(
        "trash/objectives/<int:objective_id>/restore/",
        trash.restore_objective,
        name="trash_restore_objective",
    ),
    path(
        "trash/kr/<int:key_result_id>/restore/",
        trash.restore_key_result,
        name="trash_restore_key_result",
    ),
]
