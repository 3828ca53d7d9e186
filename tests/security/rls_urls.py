"""Test-only routes for tests/security/test_row_level_security.py: a web view and an API
endpoint that *forget* their organization filter, behind the real tenancy layer."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from rest_framework.response import Response

from accounts.api.base import OrganizationEndpoint
from accounts.rls import current_tenant
from accounts.tenancy import org_required
from okrs.models import Objective


def forgetful_counts(foreign_objective_id: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM okrs_objective")
        raw_count = cursor.fetchone()[0]
        cursor.execute("SELECT title FROM okrs_objective WHERE id = %s", [foreign_objective_id])
        foreign = [row[0] for row in cursor.fetchall()]
    return {
        "tenant": current_tenant(),
        "raw_count": raw_count,
        "orm_titles": sorted(Objective.objects.values_list("title", flat=True)),
        "foreign_by_pk": foreign,
    }


@org_required
def web_view(request, org_slug: str, pk: int):
    return JsonResponse(forgetful_counts(pk))


class ApiView(OrganizationEndpoint):
    def get(self, request, org_slug: str, pk: int):
        return Response(forgetful_counts(pk))


urlpatterns = [
    path("o/<slug:org_slug>/rls/<int:pk>/", web_view),
    path("api/o/<slug:org_slug>/rls/<int:pk>/", ApiView.as_view()),
]
