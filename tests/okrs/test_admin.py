"""The OKR admin pages load (list filters, related columns, search) for a superuser."""

import pytest
from django.contrib import admin
from django.urls import reverse

from okrs import models, services
from tests import factories
from tests.okrs.conftest import make_chain

OKR_MODELS = [m for m in admin.site._registry if m._meta.app_label == "okrs"]


def test_every_okrs_model_is_registered():
    registered = {m.__name__ for m in OKR_MODELS}
    assert registered >= {
        "Cycle", "Objective", "KeyResult", "KeyResultContributor", "CheckIn", "Initiative",
        "Risk", "Comment", "CommentMention", "AuditEntry",
    }  # fmt: skip


@pytest.mark.parametrize("model", OKR_MODELS, ids=lambda m: m.__name__)
def test_changelist_renders_with_data_and_search(world, client, model):
    *_, kr = make_chain(world)
    services.record_check_in(key_result=kr, actor=world.owner, value=300, confidence=5)
    services.add_comment(actor=world.ceo, key_result=kr, body="@owner nice")
    services.create_initiative(key_result=kr, actor=world.owner, title="Cache")
    services.create_risk(key_result=kr, actor=world.owner, description="Vendor")
    superuser = factories.UserFactory(email="root@w.example", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    url = reverse(f"admin:okrs_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "a", "organization__id__exact": world.org.pk}).status_code == 200
    row = model.objects.first()
    change = reverse(f"admin:okrs_{model._meta.model_name}_change", args=[row.pk])
    assert client.get(change).status_code == 200


def test_admin_cannot_add_or_edit_okr_rows(world):
    assert not admin.site._registry[models.Objective].has_add_permission(None)
    assert not admin.site._registry[models.AuditEntry].has_delete_permission(None)
