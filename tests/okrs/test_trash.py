"""Deleting is a soft delete: trashed objectives and key results are hidden everywhere
(pages, API, counts, roll-up, digests) for 30 days, restorable by an admin, then purged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from okrs import services
from okrs.models import CheckIn, KeyResult, Objective
from okrs.selectors import trash as trash_selectors
from tests.factories import KeyResultFactory
from tests.okrs.conftest import make_chain, reload


def test_a_deleted_objective_is_hidden_everywhere_until_an_admin_restores_it(world, client):
    company, dept, team, kr = make_chain(world)
    services.record_check_in(key_result=kr, actor=world.owner, value=300, confidence=7)
    services.delete_objective(objective=team, actor=world.platform_lead)
    assert not Objective.objects.filter(pk=team.pk).exists()
    assert not KeyResult.objects.filter(pk=kr.pk).exists()
    assert Objective.all_objects.get(pk=team.pk).deleted_at is not None
    assert reload(dept).progress == 0  # the roll-up no longer counts it
    client.force_login(world.admin.user)
    slug = world.org.slug
    assert client.get(reverse("okrs:objective_detail", args=[slug, team.pk])).status_code == 404
    assert client.get(reverse("okrs:key_result_detail", args=[slug, kr.pk])).status_code == 404
    api = client.get(f"/api/v1/orgs/{slug}/key-results/").json()
    assert kr.pk not in [row["id"] for row in api["results"]]
    checkins = client.get(f"/api/v1/orgs/{slug}/check-ins/")
    assert checkins.status_code in (200, 404)
    if checkins.status_code == 200:
        assert all(row.get("key_result") != kr.pk for row in checkins.json()["results"])
    trash = client.get(reverse("okrs:trash", args=[slug])).content.decode()
    assert team.title in trash

    response = client.post(reverse("okrs:trash_restore_objective", args=[slug, team.pk]))
    assert response.status_code == 302
    team = reload(team)
    assert team.deleted_at is None and team.parent_id == dept.pk
    assert KeyResult.objects.filter(pk=kr.pk).exists()
    assert CheckIn.objects.filter(key_result=kr).count() == 1
    assert reload(dept).progress > 0


def test_children_unaligned_by_a_delete_are_realigned_on_restore(world):
    company, dept, team, _kr = make_chain(world)
    services.delete_objective(objective=dept, actor=world.ceo)
    assert reload(team).parent_id is None
    services.restore_objective(organization=world.org, objective_id=dept.pk, actor=world.admin)
    assert reload(team).parent_id == dept.pk


def test_a_deleted_key_result_can_be_restored_by_an_admin_only(world):
    *_, kr = make_chain(world)
    services.delete_key_result(key_result=kr, actor=world.owner)
    trashed = trash_selectors.trashed_key_results(organization=world.org)
    assert list(trashed) == [KeyResult.all_objects.get(pk=kr.pk)]
    with pytest.raises(PermissionDenied):
        services.restore_key_result(organization=world.org, key_result_id=kr.pk, actor=world.owner)
    services.restore_key_result(organization=world.org, key_result_id=kr.pk, actor=world.admin)
    assert KeyResult.objects.filter(pk=kr.pk).exists()
    with pytest.raises(ValidationError, match="no longer in the trash"):
        services.restore_key_result(organization=world.org, key_result_id=kr.pk, actor=world.admin)


def test_the_trash_is_purged_after_30_days(world):
    *_, team, kr = make_chain(world)
    services.delete_objective(objective=team, actor=world.platform_lead)
    assert services.purge_trash(now=timezone.now() + dt.timedelta(days=29))["deleted"] == 0
    assert services.purge_trash(now=timezone.now() + dt.timedelta(days=31))["deleted"] > 0
    assert not Objective.all_objects.filter(pk=team.pk).exists()
    assert not KeyResult.all_objects.filter(pk=kr.pk).exists()
    with pytest.raises(ValidationError):
        services.restore_objective(organization=world.org, objective_id=team.pk, actor=world.admin)


def test_only_admins_see_the_trash_and_others_orgs_rows_are_404(world, client, other_org):
    *_, team, _kr = make_chain(world)
    services.delete_objective(objective=team, actor=world.platform_lead)
    slug = world.org.slug
    client.force_login(world.ceo.user)
    assert client.get(reverse("okrs:trash", args=[slug])).status_code == 403
    client.force_login(world.admin.user)
    missing = reverse("okrs:trash_restore_objective", args=[slug, team.pk + 1000])
    assert client.post(missing).status_code == 404
    assert (
        client.get(reverse("okrs:trash_restore_objective", args=[slug, team.pk])).status_code == 405
    )


def _live_krs_with_trashed_objectives(org) -> int:
    return KeyResult.objects.filter(organization=org, objective__deleted_at__isnull=False).count()


def test_a_live_key_result_always_has_a_live_objective(world):
    """The invariant `visibility.visible_key_results_q` relies on to read key results
    without joining their objectives for admins and executives."""
    from okrs.rules.visibility import can_view_key_result, visible_key_results_q

    company, dept, team, kr = make_chain(world)
    other = KeyResultFactory(organization=world.org, objective=team, owner=world.owner)
    services.delete_key_result(key_result=other, actor=world.owner)
    services.delete_objective(objective=team, actor=world.platform_lead)
    assert _live_krs_with_trashed_objectives(world.org) == 0
    with pytest.raises(ValidationError):  # not under a trashed objective
        services.restore_key_result(
            organization=world.org, key_result_id=other.pk, actor=world.admin
        )
    assert _live_krs_with_trashed_objectives(world.org) == 0
    everyone = [world.admin, world.ceo, world.champion, world.owner, world.bystander]
    every_kr = list(
        KeyResult.all_objects.filter(organization=world.org).select_related("objective__owner")
    )
    for viewer in everyone:  # the filter and the predicate agree, trashed rows included
        seen = set(
            KeyResult.all_objects.filter(visible_key_results_q(viewer)).values_list("pk", flat=True)
        )
        assert seen == {k.pk for k in every_kr if can_view_key_result(viewer, k)}, viewer.role
        assert kr.pk not in seen and other.pk not in seen
    services.restore_objective(organization=world.org, objective_id=team.pk, actor=world.admin)
    assert _live_krs_with_trashed_objectives(world.org) == 0
    assert KeyResult.objects.filter(pk=kr.pk).exists()
    assert not KeyResult.objects.filter(pk=other.pk).exists()  # trashed on its own before
