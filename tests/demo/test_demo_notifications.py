"""`seed_demo` stays idempotent on a database people have used."""

import io

from django.core.management import call_command
from django.utils import timezone

from accounts.models import Membership
from notifications.models import Kind, Notification
from okrs import services
from okrs.models import KeyResult


def test_seed_demo_runs_again_after_the_app_wrote_notifications_of_its_own(
    db, django_capture_on_commit_callbacks
):
    """A real weekly reminder has the same recipient, kind and title as a demo one ("Check-in
    due: 2 key results this week"); the second run crashed with MultipleObjectsReturned."""
    call_command("seed_demo", stdout=io.StringIO())
    owner = Membership.objects.get(user__email="owner@acme.example")
    demo = Notification.objects.filter(recipient=owner, kind=Kind.REMINDER).get()
    for _week in range(2):  # two later weeks with two key results due, as delivery writes them
        Notification.objects.create(
            organization=owner.organization, recipient=owner, kind=demo.kind, title=demo.title
        )
    kr = KeyResult.objects.filter(owner=owner, objective__cycle__status="active").first()
    with django_capture_on_commit_callbacks(execute=True):  # mentions notify after commit
        services.add_comment(actor=owner, key_result=kr, body="@ceo have a look")
        services.record_check_in(key_result=kr, actor=owner, value=kr.current_value, confidence=6)
    demo.read_at = timezone.now()
    demo.save(update_fields=["read_at"])
    before = Notification.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Notification.objects.count() == before
    assert Notification.objects.filter(recipient=owner, title=demo.title).count() == 3
