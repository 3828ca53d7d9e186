"""The demo roster `seed_demo` relies on."""

from django.core.management import call_command

from accounts.models import Membership, Organization, OrgUnit, Role, User
from demo import people as demo


def _m(slug, local):
    return Membership.objects.select_related("unit", "reports_to__user").get(
        organization__slug=slug, user__email=f"{local}@{slug}.example"
    )


def test_seed_people_builds_both_companies(db):
    organizations = demo.seed_people()
    assert [o.slug for o in organizations] == ["acme", "globex"]
    acme = Organization.objects.get(slug="acme")
    assert (acme.name, acme.timezone) == ("Acme Corp", "America/New_York")
    assert Organization.objects.get(slug="globex").timezone == "Europe/Berlin"
    for slug in ("acme", "globex"):
        assert 38 <= Membership.objects.filter(organization__slug=slug).count() <= 45
        assert _m(slug, "admin").role == Role.ADMIN
        assert _m(slug, "ceo").role == Role.EXECUTIVE and _m(slug, "cfo").role == Role.EXECUTIVE
        assert _m(slug, "champion").role == Role.CHAMPION


def test_roster_has_leads_units_and_reporting_chain(db):
    demo.seed_people()
    owner = _m("acme", "owner")
    assert owner.unit.name == "Platform" and owner.role == Role.MEMBER
    chain = []
    current = owner
    while current.reports_to_id:
        current = current.reports_to
        chain.append(current.user.email)
    assert chain == ["platform.lead@acme.example", "eng.head@acme.example", "ceo@acme.example"]
    platform = OrgUnit.objects.get(organization__slug="acme", name="Platform")
    assert platform.parent.name == "Engineering"
    assert platform.lead.user.email == "platform.lead@acme.example"
    support = OrgUnit.objects.get(organization__slug="globex", name="Support")
    assert support.parent.name == "Customer Success"
    assert support.lead.user.email == "support.lead@globex.example"
    assert _m("acme", "contributor").unit == platform
    for team in ("Mobile", "Enterprise Sales", "SMB Sales", "Growth", "Support"):
        assert Membership.objects.filter(organization__slug="acme", unit__name=team).count() >= 4


def test_seed_people_is_idempotent_and_keeps_changed_passwords(db):
    demo.seed_people()
    user = User.objects.get(email="ceo@acme.example")
    assert user.check_password("demo")
    user.set_password("changed-by-the-ceo")
    user.save()
    counts = (User.objects.count(), Membership.objects.count(), OrgUnit.objects.count())
    demo.seed_people()
    assert (User.objects.count(), Membership.objects.count(), OrgUnit.objects.count()) == counts
    user.refresh_from_db()
    assert user.check_password("changed-by-the-ceo")


def test_coach_is_champion_in_both_companies(db):
    demo.seed_people()
    coach = Membership.objects.filter(user__email=demo.COACH_EMAIL)
    assert {m.organization.slug for m in coach} == {"acme", "globex"}
    assert {m.role for m in coach} == {Role.CHAMPION}


def test_login_lines_list_key_logins(db):
    lines = "\n".join(demo.login_lines())
    for email in ("admin@acme.example", "ceo@globex.example", demo.COACH_EMAIL):
        assert email in lines


def test_demo_admin_can_log_in_and_see_people(db, client):
    demo.seed_people()
    assert client.login(username="admin@acme.example", password="demo")
    response = client.get("/o/acme/people/")
    assert response.status_code == 200
    assert "Engineering" in response.content.decode()


def test_seed_demo_command_runs_twice(db, capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    assert "admin@acme.example" in capsys.readouterr().out
    assert Organization.objects.filter(slug__in=["acme", "globex"]).count() == 2
