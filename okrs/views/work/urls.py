"""My OKRs, check-ins, objective/KR detail, initiatives, risks, comments."""

from django.urls import path

from okrs.views.work import collaboration, key_results, my_okrs, objectives, people, search

urlpatterns = [
    path("", my_okrs.my_okrs, name="my_okrs"),
    path("search/", search.search, name="search"),
    path("kr/<int:key_result_id>/check-in/", my_okrs.check_in, name="check_in"),
    path("kr/<int:key_result_id>/row/", my_okrs.key_result_row, name="key_result_row"),
    path("objectives/new/", objectives.objective_create, name="objective_create"),
    path("objectives/<int:objective_id>/", objectives.objective_detail, name="objective_detail"),
    path("objectives/<int:objective_id>/edit/", objectives.objective_edit, name="objective_edit"),
    path(
        "objectives/<int:objective_id>/delete/",
        objectives.objective_delete,
        name="objective_delete",
    ),
    path(
        "objectives/<int:objective_id>/comments/",
        objectives.objective_comment,
        name="objective_comment",
    ),
    path(
        "objectives/<int:objective_id>/key-results/new/",
        key_results.key_result_create,
        name="key_result_create",
    ),
    path("kr/<int:key_result_id>/", key_results.key_result_detail, name="key_result_detail"),
    path("kr/<int:key_result_id>/edit/", key_results.key_result_edit, name="key_result_edit"),
    path("kr/<int:key_result_id>/delete/", key_results.key_result_delete, name="key_result_delete"),
    path(
        "kr/<int:key_result_id>/comments/",
        key_results.key_result_comment,
        name="key_result_comment",
    ),
    path(
        "kr/<int:key_result_id>/initiatives/",
        collaboration.initiative_create,
        name="initiative_create",
    ),
    path(
        "initiatives/<int:initiative_id>/status/",
        collaboration.initiative_update,
        name="initiative_update",
    ),
    path("kr/<int:key_result_id>/risks/", collaboration.risk_create, name="risk_create"),
    path("risks/<int:risk_id>/edit/", collaboration.risk_edit, name="risk_edit"),
    path("risks/<int:risk_id>/close/", collaboration.risk_close, name="risk_close"),
    # Beside the people page (/o/<org>/people/members/<id>/, accounts), served by okrs.
    path(
        "people/members/<int:membership_id>/okrs/",
        people.person_okrs_view,
        name="person_okrs",
    ),
]
