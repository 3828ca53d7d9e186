"""Initiatives, risks and comments (with @mentions) around key results and objectives."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Membership
from accounts.rules.tenancy import require_same_org
from okrs.models import Comment, CommentMention, Initiative, KeyResult, Objective, Risk
from okrs.rules import limits, policy
from okrs.selectors.people import find_mentions
from okrs.services._common import (
    ensure_active_member,
    ensure_open,
    lock,
    reject_unknown,
)
from okrs.signals import COMMENT, MENTION, announce

MAX_COMMENT = limits.COMMENT


def _kr_with_context(key_result: KeyResult) -> KeyResult:
    return KeyResult.objects.select_related("objective__cycle", "objective__owner", "owner").get(
        pk=key_result.pk, organization_id=key_result.organization_id
    )


def _text(value: Any, field: str, *, required: bool, limit: int, single_line=False) -> str:
    return limits.clean_text(value, field, required=required, limit=limit, single_line=single_line)


def _choice(value: Any, choices, field: str):
    valid = {str(v): v for v in choices.values}
    if str(value) not in valid:
        raise ValidationError({field: "Choose one of the listed options."})
    return valid[str(value)]


# --- initiatives -------------------------------------------------------------------------

INITIATIVE_FIELDS = ("title", "assignee", "status", "due_date")


def _clean_initiative(initiative: Initiative) -> None:
    initiative.title = _text(
        initiative.title, "title", required=True, limit=limits.TITLE, single_line=True
    )
    initiative.status = _choice(initiative.status, Initiative.State, "status")
    if initiative.assignee is not None:
        ensure_active_member(initiative.organization_id, initiative.assignee, field="assignee")


def create_initiative(
    *,
    key_result: KeyResult,
    actor: Membership,
    title: str,
    assignee: Membership | None = None,
    status: str = Initiative.State.TODO,
    due_date=None,
) -> Initiative:
    """Add a piece of work that should move a KR."""
    kr = _kr_with_context(key_result)
    ensure_open(kr.objective.cycle)
    policy.require(
        policy.can_manage_initiatives(actor, kr), "You may not add initiatives to this key result."
    )
    if not policy.can_assign_initiatives(actor, kr):
        assignee = actor  # contributors plan their own work; others may assign anyone
    initiative = Initiative(
        organization_id=kr.organization_id,
        key_result=kr,
        title=title,
        assignee=assignee,
        status=status,
        due_date=due_date,
        created_by=actor,
    )
    _clean_initiative(initiative)
    initiative.full_clean()
    initiative.save()
    return initiative


def _locked_initiative(initiative: Initiative) -> Initiative:
    return lock(initiative, "key_result__objective__cycle", "key_result__owner")


def update_initiative(*, initiative: Initiative, actor: Membership, **fields: Any) -> Initiative:
    """Change an initiative's title, assignee, status or due date."""
    reject_unknown(fields, INITIATIVE_FIELDS)
    with transaction.atomic():
        current = _locked_initiative(initiative)
        ensure_open(current.key_result.objective.cycle)
        policy.require(
            policy.can_edit_initiative(actor, current), "You may not change this initiative."
        )
        for name, value in fields.items():
            setattr(current, name, value)
        _clean_initiative(current)
        current.full_clean()
        current.save()
    return current


def delete_initiative(*, initiative: Initiative, actor: Membership) -> None:
    with transaction.atomic():
        current = _locked_initiative(initiative)
        ensure_open(current.key_result.objective.cycle)
        policy.require(
            policy.can_edit_initiative(actor, current), "You may not delete this initiative."
        )
        current.delete()


# --- risks -------------------------------------------------------------------------------

RISK_FIELDS = ("description", "likelihood", "impact", "mitigation", "owner", "status")


def _clean_risk(risk: Risk) -> None:
    risk.description = _text(risk.description, "description", required=True, limit=limits.RISK_TEXT)
    risk.mitigation = _text(risk.mitigation, "mitigation", required=False, limit=limits.RISK_TEXT)
    risk.likelihood = _choice(risk.likelihood, Risk.Scale, "likelihood")
    risk.impact = _choice(risk.impact, Risk.Scale, "impact")
    risk.status = _choice(risk.status, Risk.State, "status")
    if risk.owner is not None:
        ensure_active_member(risk.organization_id, risk.owner, field="owner")


def create_risk(
    *,
    key_result: KeyResult,
    actor: Membership,
    description: str,
    likelihood: int = Risk.Scale.MEDIUM,
    impact: int = Risk.Scale.MEDIUM,
    mitigation: str = "",
    owner: Membership | None = None,
    status: str = Risk.State.OPEN,
) -> Risk:
    """Record a risk to a KR (whoever may manage its initiatives may manage its risks)."""
    kr = _kr_with_context(key_result)
    ensure_open(kr.objective.cycle)
    policy.require(policy.can_manage_risks(actor, kr), "You may not add risks to this key result.")
    risk = Risk(
        organization_id=kr.organization_id,
        key_result=kr,
        description=description,
        likelihood=likelihood,
        impact=impact,
        mitigation=mitigation,
        owner=owner,
        status=status,
    )
    _clean_risk(risk)
    risk.full_clean()
    risk.save()
    return risk


def _locked_risk(risk: Risk) -> Risk:
    return lock(risk, "key_result__objective__cycle", "key_result__owner")


def update_risk(*, risk: Risk, actor: Membership, **fields: Any) -> Risk:
    reject_unknown(fields, RISK_FIELDS)
    with transaction.atomic():
        current = _locked_risk(risk)
        ensure_open(current.key_result.objective.cycle)
        policy.require(policy.can_edit_risk(actor, current), "You may not change this risk.")
        for name, value in fields.items():
            setattr(current, name, value)
        _clean_risk(current)
        current.full_clean()
        current.save()
    return current


def delete_risk(*, risk: Risk, actor: Membership) -> None:
    with transaction.atomic():
        current = _locked_risk(risk)
        ensure_open(current.key_result.objective.cycle)
        policy.require(policy.can_edit_risk(actor, current), "You may not delete this risk.")
        current.delete()


# --- comments ----------------------------------------------------------------------------


def add_comment(
    *,
    actor: Membership,
    body: str,
    objective: Objective | None = None,
    key_result: KeyResult | None = None,
) -> Comment:
    """Comment on exactly one objective or KR; @mentions become CommentMention rows."""
    if (objective is None) == (key_result is None):
        raise ValidationError("A comment belongs to exactly one objective or key result.")
    target = objective if objective is not None else key_result
    require_same_org(target, actor.organization_id, field="target", label="target")
    if key_result is not None:
        key_result = _kr_with_context(key_result)
        target = key_result
    else:
        objective = Objective.objects.select_related("owner").get(
            pk=objective.pk, organization_id=objective.organization_id
        )
        target = objective
    policy.require(policy.can_comment(actor, target), "You may not comment here.")
    text = _text(body, "body", required=True, limit=MAX_COMMENT)
    on = key_result.objective if key_result is not None else objective
    mentioned = [
        m
        for m in find_mentions(text, organization_id=actor.organization_id, objective=on)
        if m.pk != actor.pk
    ]
    with transaction.atomic():
        comment = Comment.objects.create(
            organization_id=actor.organization_id,
            objective=objective,
            key_result=key_result,
            author=actor,
            body=text,
        )
        CommentMention.objects.bulk_create(
            CommentMention(organization_id=actor.organization_id, comment=comment, membership=m)
            for m in mentioned
        )
        source = {"organization_id": actor.organization_id, "source": "comment"}
        announce(
            kind=MENTION, source_id=comment.pk, recipient_ids=[m.pk for m in mentioned], **source
        )
        owner_id = target.owner_id  # the KR's or the objective's owner hears about new comments
        if owner_id != actor.pk and owner_id not in {m.pk for m in mentioned}:
            announce(kind=COMMENT, source_id=comment.pk, recipient_ids=[owner_id], **source)
    return comment


def delete_comment(*, comment: Comment, actor: Membership) -> None:
    """The author (or an admin) removes a comment."""
    current = Comment.objects.get(pk=comment.pk, organization_id=comment.organization_id)
    policy.require(policy.can_delete_comment(actor, current), "You may not delete this comment.")
    current.delete()
