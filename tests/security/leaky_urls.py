"""The project's URLs plus one deliberately leaky view, to prove the walker notices it."""

from django.http import HttpResponse
from django.urls import include, path

from okr_project.urls import handler404, handler500  # noqa: F401
from okr_project.urls import urlpatterns as project_urls


def leaky_objective(request, org_slug: str, objective_id: int):
    from okrs.models import Objective

    # Wrong on purpose: looks the objective up by id alone, ignoring the organization.
    return HttpResponse(Objective.objects.get(pk=objective_id).title)


leaky = ([path("<int:objective_id>/", leaky_objective, name="objective")], "leaky")

urlpatterns = [
    path("o/<slug:org_slug>/leak/", include(leaky)),
    *project_urls,
]
