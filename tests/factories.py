"""factory_boy factories for every model. Related rows always share one organization."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from accounts.models import Invitation, Membership, Organization, OrgUnit, Role, User
from okrs.models import (
    CheckIn,
    Comment,
    Cycle,
    Initiative,
    KeyResult,
    Level,
    Objective,
    Risk,
)
from okrs.services.objectives import default_rollup


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    timezone = "UTC"


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = OrgUnit.Kind.DEPARTMENT


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Q{n % 4 + 1} {2020 + n}")
    start_date = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    end_date = factory.LazyFunction(lambda: date.today() + timedelta(days=60))
    status = Cycle.Status.ACTIVE


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    organization = factory.SubFactory(OrganizationFactory)
    cycle = factory.SubFactory(CycleFactory, organization=factory.SelfAttribute("..organization"))
    owner = factory.SubFactory(
        MembershipFactory, organization=factory.SelfAttribute("..organization")
    )
    level = Level.COMPANY
    title = factory.Sequence(lambda n: f"Objective {n}")
    # As the service does: company and department objectives roll up KRs and children.
    rollup = factory.LazyAttribute(lambda o: default_rollup(o.level))


class KeyResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyResult

    organization = factory.SubFactory(OrganizationFactory)
    objective = factory.SubFactory(
        ObjectiveFactory, organization=factory.SelfAttribute("..organization")
    )
    owner = factory.SubFactory(
        MembershipFactory, organization=factory.SelfAttribute("..organization")
    )
    title = factory.Sequence(lambda n: f"Key result {n}")
    metric_type = KeyResult.MetricType.INCREASE_TO
    start_value = 0
    target_value = 100
    current_value = 0


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    organization = factory.SubFactory(OrganizationFactory)
    key_result = factory.SubFactory(
        KeyResultFactory, organization=factory.SelfAttribute("..organization")
    )
    author = factory.SelfAttribute("key_result.owner")
    value = 10
    confidence = 7
    created_at = factory.LazyFunction(timezone.now)
    week = factory.LazyAttribute(lambda o: "{}-W{:02d}".format(*o.created_at.isocalendar()[:2]))


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    organization = factory.SubFactory(OrganizationFactory)
    key_result = factory.SubFactory(
        KeyResultFactory, organization=factory.SelfAttribute("..organization")
    )
    title = factory.Sequence(lambda n: f"Initiative {n}")


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    organization = factory.SubFactory(OrganizationFactory)
    key_result = factory.SubFactory(
        KeyResultFactory, organization=factory.SelfAttribute("..organization")
    )
    description = "Vendor might slip"


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    organization = factory.SubFactory(OrganizationFactory)
    objective = factory.SubFactory(
        ObjectiveFactory, organization=factory.SelfAttribute("..organization")
    )
    author = factory.SubFactory(
        MembershipFactory, organization=factory.SelfAttribute("..organization")
    )
    body = "Looks good"
