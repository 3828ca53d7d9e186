"""Web pages: in-app notifications, email settings, one-click unsubscribe, the org's send log."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.rules.policy import can_view_delivery_log
from accounts.selectors import organization_by_slug
from accounts.tenancy import org_required, requires
from notifications import emails, selectors, services
from notifications.forms import NotificationSettingsForm
from notifications.models import Kind, NotificationLog
from okr_project.web import paginate

PAGE_SIZE = 20
LOG_PAGE_SIZE = 50


def _list_context(request) -> dict:
    rows = selectors.notifications_for_member(
        organization=request.organization, membership=request.membership
    )
    page = paginate(request, rows, PAGE_SIZE)
    return {"page_obj": page, "notifications": page.object_list}


@org_required
def notification_list(request, org_slug: str):
    template = "notifications/list.html"
    if request.htmx:
        template += "#notification-list"
    return render(request, template, _list_context(request))


@org_required
@require_POST
def mark_read(request, org_slug: str, notification_id: int):
    notification = services.mark_read(
        organization=request.organization, membership=request.membership, pk=notification_id
    )
    if request.htmx:
        return render(request, "notifications/list.html#notification-item", {"n": notification})
    return redirect("notifications:list", org_slug=org_slug)


@org_required
@require_POST
def mark_all_read(request, org_slug: str):
    changed = services.mark_all_read(
        organization=request.organization, membership=request.membership
    )
    if request.htmx:
        return render(request, "notifications/list.html#notification-list", _list_context(request))
    messages.success(request, f"Marked {changed} notification{'s' if changed != 1 else ''} read.")
    return redirect("notifications:list", org_slug=org_slug)


@org_required
@require_http_methods(["GET", "POST"])
def notification_settings(request, org_slug: str):
    opted_out = selectors.opted_out_kinds(
        organization=request.organization, membership=request.membership
    )
    form = NotificationSettingsForm(request.POST or None, opted_out=opted_out)
    if request.method == "POST" and form.is_valid():
        services.set_email_opt_outs(
            organization=request.organization,
            membership=request.membership,
            opted_out=form.opted_out(),
        )
        messages.success(request, "Your email preferences are saved.")
        return redirect("notifications:settings", org_slug=org_slug)
    return render(request, "notifications/settings.html", {"form": form})


@csrf_exempt  # RFC 8058: mail providers POST here without a session; the signed token is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request, org_slug: str, token: str):
    try:
        data = emails.read_unsubscribe_token(token)
    except emails.UnsubscribeLinkExpired:
        context = {"expired": True, "max_age_days": emails.UNSUBSCRIBE_MAX_AGE_DAYS}
        return render(request, "notifications/unsubscribe_invalid.html", context, status=410)
    organization = organization_by_slug(slug=org_slug)
    if data is None or organization is None or data["o"] != organization.pk:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    context = {"organization": organization, "kind_label": Kind(data["k"]).label}
    if request.method == "POST":
        try:
            services.unsubscribe(organization=organization, membership_id=data["m"], kind=data["k"])
        except Http404:
            return render(request, "notifications/unsubscribe_invalid.html", status=404)
        return render(request, "notifications/unsubscribe_done.html", context)
    return render(request, "notifications/unsubscribe.html", {**context, "token": token})


@org_required
@requires(can_view_delivery_log, selectors.LOG_ADMINS_ONLY)
def notification_log(request, org_slug: str):
    filters = {
        "kind": request.GET.get("kind", "") if request.GET.get("kind") in Kind.values else "",
        "status": request.GET.get("status", "")
        if request.GET.get("status") in NotificationLog.State.values
        else "",
        "period": request.GET.get("period", "")[:16],
    }
    rows = selectors.notification_log(organization=request.organization, **filters)
    page = paginate(request, rows, LOG_PAGE_SIZE)
    return render(
        request,
        "notifications/log.html",
        {
            "page_obj": page,
            "rows": page.object_list,
            "filters": filters,
            "kinds": Kind.choices,
            "statuses": NotificationLog.State.choices,
            "org_tz": request.organization.tzinfo,  # falls back to UTC for a bad stored zone
        },
    )
