"""Accounts models: email login, time zones, invitations, DB-level uniqueness."""

import zoneinfo
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import (
    ApiToken,
    Organization,
    User,
    hash_token,
    validate_timezone,
    zone_for,
)
from accounts.rules.lifecycle import invitation_is_pending
from tests import factories


def test_user_email_is_normalized_and_required(db):
    user = User.objects.create_user("Kim@Example.COM", "pw")
    assert user.email == "kim@example.com"
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user("", "pw")


def test_superuser_is_staff(db):
    admin = User.objects.create_superuser("root@example.com", "pw")
    assert admin.is_staff and admin.is_superuser


def test_display_name_falls_back_to_email(db):
    assert User(email="kim.lee@example.com").display_name == "kim.lee"
    assert User(email="x@example.com", full_name="Kim Lee").display_name == "Kim Lee"


def test_timezone_validation_and_fallback(db):
    validate_timezone("Europe/Berlin")
    with pytest.raises(ValidationError):
        validate_timezone("Nowhere/Special")
    org = Organization(name="X", slug="x", timezone="Broken/Zone")
    assert str(org.tzinfo) == "UTC"


@pytest.mark.parametrize(
    "name", ["A" * 400, "../../etc/passwd", "/etc/localtime", "Europe/Berlin\x00", "", "\ud800"]
)
def test_a_time_zone_outside_the_known_list_is_a_clear_error_never_an_os_error(name):
    """ZoneInfo opens a file named after the zone: a 400-character name raised OSError."""
    with pytest.raises(ValidationError, match="not a known time zone"):
        validate_timezone(name)
    assert zone_for(name) == (zoneinfo.ZoneInfo("UTC"), False)
    assert str(Organization(name="X", slug="x", timezone=name).tzinfo) == "UTC"


def test_invitation_pending_states(org):
    invitation = factories.InvitationFactory(organization=org)
    assert invitation_is_pending(invitation)
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    assert not invitation_is_pending(invitation)
    invitation.expires_at = timezone.now() + timedelta(days=1)
    invitation.revoked_at = timezone.now()
    assert not invitation_is_pending(invitation)


def test_unit_names_are_unique_per_parent_in_the_database(org):
    parent = factories.OrgUnitFactory(organization=org, name="Sales")
    factories.OrgUnitFactory(organization=org, name="SMB", parent=parent)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OrgUnitFactory(organization=org, name="SMB", parent=parent)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OrgUnitFactory(organization=org, name="Sales")


def test_one_membership_per_user_and_org(org, member_membership):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.MembershipFactory(organization=org, user=member_membership.user)


def test_api_token_stores_only_a_hash(member_membership):
    token = ApiToken.objects.create(
        user=member_membership.user, name="ci", prefix="abcd", key_hash=hash_token("secret")
    )
    assert token.key_hash != "secret" and len(token.key_hash) == 64
    assert str(token) == "ci (abcd…)"
