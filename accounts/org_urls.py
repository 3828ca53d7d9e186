from django.urls import path

from accounts.views import invitations, members, org_settings, orgchart, people, units

app_name = "orgchart"

urlpatterns = [
    path("", orgchart.chart, name="chart"),
    path("search/", people.people_search, name="people_search"),
    path("units/search/", people.unit_search, name="unit_search"),
    path("units/new/", units.unit_create, name="unit_create"),
    path("units/<int:unit_id>/children/", orgchart.unit_children, name="unit_children"),
    path("units/<int:unit_id>/edit/", units.unit_edit, name="unit_edit"),
    path("units/<int:unit_id>/delete/", units.unit_delete, name="unit_delete"),
    path("members/<int:membership_id>/", members.member_detail, name="member"),
    path(
        "members/<int:membership_id>/deactivate/",
        members.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "members/<int:membership_id>/reactivate/",
        members.member_reactivate,
        name="member_reactivate",
    ),
    path("invitations/", invitations.invitations, name="invitations"),
    path("invitations/bulk/", invitations.invitations_bulk, name="invitations_bulk"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        invitations.invitation_revoke,
        name="invitation_revoke",
    ),
    path("settings/", org_settings.org_settings, name="settings"),
    path("settings/delete/", org_settings.organization_delete, name="organization_delete"),
    path(
        "settings/delete/cancel/",
        org_settings.organization_delete_cancel,
        name="organization_delete_cancel",
    ),
]
