from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from accounts.selectors import memberships_for_user
from okr_project.problems import problem_json


@login_required
def home(request):
    """Send the user to their last-used organization (or the first one they belong to)."""
    memberships = list(memberships_for_user(user=request.user))
    last_slug = request.session.get("last_org_slug")
    chosen = next((m for m in memberships if m.organization.slug == last_slug), None)
    chosen = chosen or (memberships[0] if memberships else None)
    if chosen is None:
        return render(request, "no_organization.html", status=200)
    return redirect("okrs:my_okrs", org_slug=chosen.organization.slug)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return problem_json(404, "Not found.")
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return problem_json(500, "Something went wrong on our side; it has been logged.")
    return HttpResponse(render(request, "500.html").content, status=500)
