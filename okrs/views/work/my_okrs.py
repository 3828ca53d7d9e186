"""My OKRs (the home page) and the inline weekly check-in.

The check-in form is one endpoint for three callers: htmx on My OKRs (answers the updated
row plus out-of-band progress bars and week summary), a plain GET/POST full page without
JavaScript, and links from the key result page (`?next=` brings the member back).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.tenancy import org_required
from okr_project.web import (
    apply_service_error,
    error_text,
    forbidden,
    safe_next_url,
    submit_to_service,
)
from okrs import selectors, services
from okrs.forms import CheckInForm
from okrs.models import KeyResult, Objective
from okrs.rules import policy, weeks
from okrs.views.work.common import htmx_form_status, org_url


@dataclass
class KrRow:
    kr: KeyResult
    checked_in: bool
    can_check_in: bool
    form: CheckInForm | None = None  # the check-in form, open in place (?checkin=<id>)


@dataclass
class ObjectiveGroup:
    objective: Objective
    chain: list[Objective]  # visible ancestors, nearest first
    rows: list[KrRow] = field(default_factory=list)


@dataclass
class WeekSummary:
    week: str
    done: int
    total: int

    @property
    def due(self) -> int:
        return self.total - self.done


def visible_chain(me, objective: Objective) -> list[Objective]:
    """The objective's ancestors the member may see (loaded by select_related, no queries)."""
    chain, node = [], objective
    for _ in range(3):
        if node.parent_id is None:
            break
        node = node.parent
        if policy.can_view_objective(me, node):
            chain.append(node)
    return chain


def _checked_in(org, kr: KeyResult, week: str) -> bool:
    """The selector's `checked_in_this_week` annotation when the KR came from it, else the
    rule's loaded-row form (a KR the check-in service just returned)."""
    annotated = getattr(kr, "checked_in_this_week", None)
    if annotated is not None:
        return bool(annotated)
    return weeks.checked_in_during(kr, org, week)


def _rows(request: HttpRequest, key_results, week: str) -> list[KrRow]:
    me, org = request.membership, request.organization
    return [
        KrRow(
            kr=kr,
            checked_in=_checked_in(org, kr, week),
            # The policy says no on a closed cycle: a button that can only fail is a trap.
            can_check_in=policy.can_check_in(me, kr),
        )
        for kr in key_results
    ]


def _between_cycles(org) -> dict:
    today = timezone.localtime(timezone.now(), org.tzinfo).date()
    coming = selectors.next_cycle(organization=org, today=today)
    return {
        "next_cycle": coming,
        "next_cycle_started": coming is not None and coming.start_date <= today,
        "last_cycle": None if coming else selectors.last_closed_cycle(organization=org),
    }


def my_okrs_data(request: HttpRequest) -> dict:
    """Everything My OKRs shows, in a constant number of queries."""
    org, me = request.organization, request.membership
    cycle = selectors.active_cycle(organization=org)  # check-ins happen in the active cycle
    week = weeks.iso_week(org, timezone.now())
    groups: dict[int, ObjectiveGroup] = {}
    owned: list[Objective] = []
    if cycle is not None:
        key_results = selectors.key_results_for_member(organization=org, membership=me, cycle=cycle)
        for row in _rows(request, key_results, week):
            objective = row.kr.objective
            if objective.pk not in groups:
                groups[objective.pk] = ObjectiveGroup(objective, visible_chain(me, objective))
            groups[objective.pk].rows.append(row)
        owned = list(
            selectors.objectives_for_cycle(organization=org, cycle=cycle, viewer=me, owner=me)
        )
    rows = [r for g in groups.values() for r in g.rows if r.can_check_in]
    summary = WeekSummary(week=week, done=sum(r.checked_in for r in rows), total=len(rows))
    return {
        "cycle": cycle,
        # Without an active cycle, name the next one by its start date (or the last one).
        **(_between_cycles(org) if cycle is None else {}),
        "groups": list(groups.values()),
        "owned_objectives": owned,
        "summary": summary,
        "organization": org,
    }


@org_required
def my_okrs(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The weekly list. `?checkin=<kr id>` (the reminder's link) opens that key result's
    check-in form in place — a plain form, so it works without JavaScript."""
    data = my_okrs_data(request)
    wanted = request.GET.get("checkin", "")
    if wanted:
        row = next(
            (r for g in data["groups"] for r in g.rows if str(r.kr.pk) == wanted.strip()), None
        )
        if row is not None and row.can_check_in:
            row.form = CheckInForm(key_result=row.kr, prefix_id=f"kr{row.kr.pk}")
            data["next"] = org_url(request, "my_okrs")
        else:
            messages.info(
                request,
                "That key result is not on your list in the active cycle, so there is "
                "nothing to check in on from that link.",
            )
    return render(request, "okrs/work/my_okrs.html", data)


def _kr_for_check_in(request: HttpRequest, key_result_id: int) -> KeyResult:
    return selectors.get_key_result(
        organization=request.organization, pk=key_result_id, viewer=request.membership
    )


def _form_context(request: HttpRequest, kr: KeyResult, form: CheckInForm) -> dict:
    return {
        "kr": kr,
        "form": form,
        "organization": request.organization,
        "next": safe_next_url(request, org_url(request, "my_okrs")),
    }


@org_required
def check_in(request: HttpRequest, org_slug: str, key_result_id: int) -> HttpResponse:
    """GET: the check-in form (inline fragment for htmx, else a page). POST: record it."""
    kr = _kr_for_check_in(request, key_result_id)
    me = request.membership
    prefix = f"kr{kr.pk}"
    refusal = None
    if not policy.can_check_in(me, kr):
        refusal = policy.refusal(
            kr.objective.cycle, "Only the owner, contributors and unit leads can check in."
        )
        if request.method != "POST" or not isinstance(refusal, ValidationError):
            return forbidden(request, error_text(refusal))
    if request.method == "POST":
        form = CheckInForm(request.POST, key_result=kr, prefix_id=prefix)
        if refusal is not None:
            # A closed cycle: say so on the form, inline (htmx swaps 2xx answers only).
            form.is_valid()
            apply_service_error(form, refusal)
        elif form.is_valid():
            ok, check_in = submit_to_service(
                form, lambda: services.record_check_in(key_result=kr, actor=me, **form.cleaned_data)
            )
            if ok:
                if request.htmx:
                    return _checked_in_fragment(request, check_in.key_result)
                messages.success(request, f"Checked in on “{kr.title}”.")
                return redirect(safe_next_url(request, org_url(request, "my_okrs")))
    else:
        form = CheckInForm(key_result=kr, prefix_id=prefix)
    ctx = _form_context(request, kr, form)
    status = htmx_form_status(request, form)
    if request.htmx:
        return render(request, "okrs/work/my_okrs.html#checkin-form", ctx, status=status)
    return render(request, "okrs/work/check_in.html", ctx, status=status)


def _checked_in_fragment(request: HttpRequest, kr: KeyResult) -> HttpResponse:
    """The updated row, plus out-of-band swaps for every objective bar up the chain and the
    week summary, so the page reflects the check-in without a reload. `kr` is the service's
    answer (fresh values, its objective chain just rolled up and linked): only the week
    summary is read (`week_check_in_counts`, two queries), not the whole list again."""
    org, me = request.organization, request.membership
    row = KrRow(kr, checked_in=True, can_check_in=True)  # it was just checked in on
    done, total = selectors.week_check_in_counts(organization=org, membership=me)
    summary = WeekSummary(week=weeks.iso_week(org, timezone.now()), done=done, total=total)
    chain = [kr.objective, *visible_chain(me, kr.objective)]
    return render(
        request,
        "okrs/work/_checked_in.html",
        # autofocus keeps keyboard users on this row (htmx focuses it after the swap).
        {"row": row, "chain": chain, "summary": summary, "organization": org, "oob": True,
         "focus_action": True},
    )  # fmt: skip


@org_required
def key_result_row(request: HttpRequest, org_slug: str, key_result_id: int) -> HttpResponse:
    """One My OKRs row (the inline form's Cancel); without htmx, the key result page."""
    kr = _kr_for_check_in(request, key_result_id)
    if not request.htmx:
        return redirect(org_url(request, "key_result_detail", key_result_id=kr.pk))
    week = weeks.iso_week(request.organization, timezone.now())
    (row,) = _rows(request, [kr], week)
    return render(
        request,
        "okrs/work/my_okrs.html#kr-row",
        {"row": row, "organization": request.organization},
    )
