"""Inviting many people at once: reading the list, each row's outcome, sending, the page."""

import codecs
import re
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts import services
from accounts.models import Invitation, Role, SecurityEvent
from accounts.rules.invitation_lists import (
    MAX_BYTES,
    MAX_ROWS,
    InvitationRow,
    parse_invitation_rows,
)
from accounts.services.bulk_invitations import Outcome
from tests import factories
from tests.builders import invitation_token, person

# --- reading the list ------------------------------------------------------------------


def emails(rows):
    return [row.email for row in rows]


def test_pasted_list_splits_on_lines_commas_semicolons_and_spaces():
    rows = parse_invitation_rows("a@x.com, b@x.com;c@x.com d@x.com\n\n\n\te@x.com\r\nf@x.com")
    assert emails(rows) == ["a@x.com", "b@x.com", "c@x.com", "d@x.com", "e@x.com", "f@x.com"]
    assert [row.line for row in rows] == [1, 1, 1, 1, 4, 5]


def test_pasted_list_reads_name_and_address_as_mail_clients_copy_them():
    rows = parse_invitation_rows(
        "Jane Doe <jane@x.com>; \"Doe, John\" <john@x.com>, <solo@x.com>\n'Ann Lee' <ann@x.com>"
    )
    assert [(r.name, r.email) for r in rows] == [
        ("Jane Doe", "jane@x.com"),
        ("Doe, John", "john@x.com"),
        ("", "solo@x.com"),
        ("Ann Lee", "ann@x.com"),
    ]


def test_words_without_an_address_are_one_row_and_stray_punctuation_none():
    rows = parse_invitation_rows("Jane Doe, < ; bob@x.com")
    assert emails(rows) == ["Jane Doe", "bob@x.com"]


def test_csv_with_header_in_any_order_and_case_and_excel_quoting():
    text = 'EMAIL,Role,Name,Unit,Title\nsam@x.com,admin,"Smith, ""Sam""",Sales,CTO\n\n,,,,\n'
    [row] = parse_invitation_rows(text)
    assert row == InvitationRow(
        line=2, email="sam@x.com", name='Smith, "Sam"', unit="Sales", role="admin"
    )


def test_csv_with_semicolons_and_a_utf8_bom_from_excel():
    data = codecs.BOM_UTF8 + "Name;E-mail\r\nZoë Müller;zoe@x.com\r\n".encode()
    [row] = parse_invitation_rows(data)
    assert (row.name, row.email, row.line) == ("Zoë Müller", "zoe@x.com", 2)


def test_csv_in_utf16_or_windows_1252_is_read_too():
    assert parse_invitation_rows("name\temail\nRené\tr@x.com".encode("utf-16"))[0].name == "René"
    assert parse_invitation_rows("name,email\nRené,r@x.com".encode("cp1252"))[0].name == "René"


def test_quoted_cell_over_two_lines_keeps_the_starting_line_number():
    rows = parse_invitation_rows('name,email\n"Two\nlines",a@x.com\nB,b@x.com')
    assert [(r.line, r.email) for r in rows] == [(2, "a@x.com"), (4, "b@x.com")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        (" \n\n ,; ", "empty"),
        ("name,email\n\n", "empty"),
        ("name,unit\nJane,Sales", "needs an email column"),
        ("email,e-mail\na@x.com,b@x.com", "two “email” columns"),
    ],
)
def test_lists_that_cannot_be_read_say_why(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_invitation_rows(text)


def test_at_most_500_rows():
    assert len(parse_invitation_rows("\n".join(f"p{i}@x.com" for i in range(MAX_ROWS)))) == 500
    with pytest.raises(ValidationError, match="more than 500 rows"):
        parse_invitation_rows("\n".join(f"p{i}@x.com" for i in range(MAX_ROWS + 1)))
    with pytest.raises(ValidationError, match="more than 500 rows"):
        parse_invitation_rows("email\n" + "\n".join(f"p{i}@x.com" for i in range(MAX_ROWS + 1)))


def test_at_most_one_megabyte():
    big = "a" * (MAX_BYTES + 1)
    for data in (big, big.encode(), "é" * (MAX_BYTES // 2 + 1)):
        with pytest.raises(ValidationError, match="larger than 1 MB"):
            parse_invitation_rows(data)


@pytest.mark.parametrize(
    "data",
    [b"\x81\x8d\x8f\x90\x9d" * 10, b"email\na\x00@x.com", "email\nx@y.z".encode("utf-16-le")],
)
def test_a_binary_file_is_refused_with_a_hint(data):
    with pytest.raises(ValidationError, match="CSV UTF-8"):
        parse_invitation_rows(data)


@settings(max_examples=60, derandomize=True, database=None)
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.text(alphabet=st.sampled_from(list(' ,;\t\n\r"<>@a.é\x00\x01')), max_size=200),
        st.text(max_size=200).map(lambda t: "name,email,unit,role\n" + t),
    )
)
@pytest.mark.django_db
def test_any_input_gives_rows_or_a_readable_error_never_a_crash(data):
    org = factories.OrganizationFactory()
    admin = person(org, role=Role.ADMIN)
    try:
        rows = parse_invitation_rows(data)
    except ValidationError:
        return
    result = services.plan_invitations(organization=org, actor=admin, rows=rows)
    assert len(result.rows) == len(rows) <= MAX_ROWS


# --- outcomes ---------------------------------------------------------------------------


def plan(org, actor, text, **kwargs):
    return services.plan_invitations(
        organization=org, actor=actor, rows=parse_invitation_rows(text), **kwargs
    )


def outcomes(result):
    return [(item.row.line, item.outcome, item.reason) for item in result.rows]


def test_each_row_gets_its_outcome(org, admin_membership, member_membership):
    factories.InvitationFactory(organization=org, email="pending@x.com")
    sales = factories.OrgUnitFactory(organization=org, name="Sales")
    text = "\n".join(
        [
            "name,email,unit,role",
            "New,new@x.com,sales,OKR champion",
            f"Member,{member_membership.user.email.upper()},,",
            "Pending,PENDING@x.com,,executive",
            "Again,New@X.com,,",
            "Bad,not-an-address,,",
            "Nobody,,,",
            "Lost,lost@x.com,Marketing,",
            "Boss,boss@x.com,,boss",
        ]
    )
    result = plan(org, admin_membership, text)
    assert outcomes(result) == [
        (2, Outcome.INVITE, ""),
        (3, Outcome.MEMBER, ""),
        (4, Outcome.RESEND, ""),
        (5, Outcome.DUPLICATE, "same address as line 2"),
        (6, Outcome.INVALID, "not an email address"),
        (7, Outcome.INVALID, "no email address"),
        (8, Outcome.INVALID, "no unit named “Marketing”"),
        (9, Outcome.INVALID, "unknown role “boss” (use Admin, Executive, OKR champion, Member)"),
    ]
    new = result.rows[0]
    assert (new.email, new.name, new.role, new.unit) == ("new@x.com", "New", Role.CHAMPION, sales)
    assert result.rows[2].role == Role.EXECUTIVE
    assert result.summary == ("1 to invite, 1 re-send, 1 already a member, 1 duplicate, 4 invalid")


def test_empty_cells_take_the_default_role_and_unit(org, admin_membership):
    team = factories.OrgUnitFactory(organization=org, name="Team")
    result = plan(
        org, admin_membership, "a@x.com b@x.com", default_role=Role.EXECUTIVE, default_unit=team
    )
    assert {(i.role, i.unit) for i in result.rows} == {(Role.EXECUTIVE, team)}


def test_another_tenants_unit_name_is_not_matched(org, other_org, admin_membership):
    factories.OrgUnitFactory(organization=other_org, name="Secret Lab")
    result = plan(org, admin_membership, "email,unit\na@x.com,Secret Lab")
    assert outcomes(result) == [(2, Outcome.INVALID, "no unit named “Secret Lab”")]


def test_odd_unit_names_are_simply_not_found(org, admin_membership):
    text = 'email,unit\na@x.com,"Sa\x01les"\nb@x.com,' + "x" * 5000
    assert [i.reason[:12] for i in plan(org, admin_membership, text).rows] == ["no unit name"] * 2


def test_two_units_with_one_name_are_ambiguous(org, admin_membership):
    parent = factories.OrgUnitFactory(organization=org, name="Europe")
    factories.OrgUnitFactory(organization=org, name="Ops", parent=parent)
    factories.OrgUnitFactory(organization=org, name="Ops")
    result = plan(org, admin_membership, "email,unit\na@x.com,ops")
    assert "several units" in result.rows[0].reason


def test_a_member_of_another_organization_can_be_invited(org, other_org, admin_membership):
    outsider = person(other_org, email="outsider@x.com")
    assert plan(org, admin_membership, outsider.user.email).rows[0].outcome == Outcome.INVITE


def test_planning_takes_three_queries_whatever_the_length(org, admin_membership):
    factories.OrgUnitFactory(organization=org, name="Sales")
    small = "email,unit\na@x.com,Sales"
    big = "email,unit\n" + "\n".join(f"p{i}@x.com,Sales" for i in range(400))
    counts = []
    for text in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            plan(org, admin_membership, text)
        counts.append(len(ctx.captured_queries))
    assert counts == [3, 3]


def test_only_admins_plan_or_send(org, member_membership, admin_membership, other_org):
    rows = parse_invitation_rows("a@x.com")
    for call in (services.plan_invitations, services.invite_many):
        with pytest.raises(PermissionDenied):
            call(organization=org, actor=member_membership, rows=rows)
        with pytest.raises(PermissionDenied):
            call(organization=other_org, actor=admin_membership, rows=rows)
    assert not Invitation.objects.exists()


def test_a_foreign_default_unit_is_refused(org, other_org, admin_membership):
    foreign = factories.OrgUnitFactory(organization=other_org)
    with pytest.raises(ValidationError):
        plan(org, admin_membership, "a@x.com", default_unit=foreign)


# --- sending ----------------------------------------------------------------------------


def test_sending_invites_valid_rows_and_emails_them_after_commit(
    org, admin_membership, member_membership, django_capture_on_commit_callbacks
):
    pending = factories.InvitationFactory(organization=org, email="pending@x.com")
    rows = parse_invitation_rows(
        f"Jane Doe <jane@x.com>, pending@x.com, {member_membership.user.email}, bad, JANE@x.com"
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = services.invite_many(organization=org, actor=admin_membership, rows=rows)
    assert result.sent_summary == (
        "1 invitation sent and 1 invitation re-sent. 3 rows skipped "
        "(1 to invite, 1 re-send, 1 already a member, 1 duplicate, 1 invalid)."
    )
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "jane@x.com",
        "pending@x.com",
    ]
    jane = Invitation.objects.get(email="jane@x.com")
    assert (jane.name, jane.role, jane.invited_by) == ("Jane Doe", Role.MEMBER, admin_membership)
    assert Invitation.objects.get(pk=pending.pk).token_hash != pending.token_hash
    assert sorted(m.to[0] for m in mail.outbox) == ["jane@x.com", "pending@x.com"]
    assert "Hello Jane Doe," in next(m.body for m in mail.outbox if m.to == ["jane@x.com"])
    sent = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.INVITATION_SENT)
    assert sent.count() == 2


def test_a_row_failing_while_sending_writes_nothing_and_sends_nothing(
    org, admin_membership, django_capture_on_commit_callbacks
):
    rows = parse_invitation_rows("a@x.com b@x.com c@x.com")
    real = services.invitations.invite_member
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["email"])
        if kwargs["email"] == "b@x.com":  # e.g. b joined between the plan and this row
            raise ValidationError({"email": "b@x.com is already a member of Acme Test."})
        return real(**kwargs)

    with (
        mock.patch("accounts.services.bulk_invitations.invite_member", side_effect=flaky),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError, match=r"Line 1 \(b@x.com\).*Nothing was sent"),
    ):
        services.invite_many(organization=org, actor=admin_membership, rows=rows)
    assert calls == ["a@x.com", "b@x.com"]
    assert not Invitation.objects.exists() and not mail.outbox
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.INVITATION_SENT).exists()


def test_a_list_that_changed_since_the_preview_is_not_sent(org, admin_membership):
    rows = parse_invitation_rows("a@x.com b@x.com")
    preview = services.plan_invitations(organization=org, actor=admin_membership, rows=rows)
    person(org, email="b@x.com")
    with pytest.raises(services.InvitationListChanged) as exc:
        services.invite_many(
            organization=org, actor=admin_membership, rows=rows, expected=preview.fingerprint
        )
    assert [i.outcome for i in exc.value.plan.rows] == [Outcome.INVITE, Outcome.MEMBER]
    assert not Invitation.objects.exists()


# --- the page ---------------------------------------------------------------------------


def bulk_url(org):
    return reverse("orgchart:invitations_bulk", kwargs={"org_slug": org.slug})


def hidden(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def test_invitations_page_links_to_bulk_invite_for_admins_only(
    org, admin_membership, member_membership, client_for
):
    listing = reverse("orgchart:invitations", kwargs={"org_slug": org.slug})
    assert bulk_url(org) in client_for(admin_membership).get(listing).content.decode()
    assert bulk_url(org) not in client_for(member_membership).get(listing).content.decode()


def test_form_is_labelled_and_describes_its_help(org, admin_membership, client_for):
    html = client_for(admin_membership).get(bulk_url(org)).content.decode()
    assert 'for="id_addresses"' in html and 'for="id_file"' in html
    assert 'aria-describedby="id_addresses_helptext"' in html
    assert 'enctype="multipart/form-data"' in html


def test_preview_then_send(org, admin_membership, client_for, django_capture_on_commit_callbacks):
    factories.OrgUnitFactory(organization=org, name="Sales")
    factories.InvitationFactory(organization=org, email="pending@x.com")
    client = client_for(admin_membership)
    text = "name,email,unit,role\nAna,ana@x.com,Sales,\nBen,pending@x.com,,admin\nCy,cy@,,"
    response = client.post(bulk_url(org), {"addresses": text, "role": Role.MEMBER})
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 to invite, 1 re-send, 1 invalid" in html
    assert '<strong class="error">Invalid:</strong> not an email address' in html
    assert "Send 2 invitations" in html
    assert not Invitation.objects.filter(email="ana@x.com").exists()  # a preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            bulk_url(org),
            {
                "addresses": hidden(html, "addresses").replace("&#x27;", "'"),
                "role": hidden(html, "role"),
                "unit": hidden(html, "unit"),
                "fingerprint": hidden(html, "fingerprint"),
                "step": "send",
            },
            follow=True,
        )
    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/o/{org.slug}/people/invitations/")
    assert "1 invitation sent and 1 invitation re-sent." in page
    ana = Invitation.objects.get(email="ana@x.com")
    assert ana.unit.name == "Sales" and ana.name == "Ana"
    assert Invitation.objects.get(email="pending@x.com").role == Role.ADMIN
    assert not Invitation.objects.filter(email__startswith="cy").exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@x.com", "pending@x.com"]


def test_uploaded_csv_is_previewed_and_carried_to_send(org, admin_membership, client_for):
    upload = SimpleUploadedFile(
        "people.csv",
        codecs.BOM_UTF8 + b'\r\n  \r\nEmail;Name\r\nzoe@x.com;"Z\xc3\xb6e"\r\n',
        "text/csv",
    )
    client = client_for(admin_membership)
    response = client.post(bulk_url(org), {"file": upload, "role": Role.MEMBER})
    html = response.content.decode()
    assert response.status_code == 200 and "Zöe" in html and "Send 1 invitation<" in html
    carried = hidden(html, "addresses").replace("&quot;", '"')
    assert "zoe@x.com;" in carried
    # The browser sends the hidden list back with CRLF line breaks: the same plan, sent.
    response = client.post(
        bulk_url(org),
        {
            "addresses": carried.replace("\n", "\r\n"),
            "role": Role.MEMBER,
            "unit": "",
            "fingerprint": hidden(html, "fingerprint"),
            "step": "send",
        },
    )
    assert response.status_code == 302
    assert Invitation.objects.get(email="zoe@x.com").name == "Zöe"


def test_a_list_changed_since_the_preview_shows_the_preview_again_and_sends_nothing(
    org, admin_membership, client_for
):
    client = client_for(admin_membership)
    form = {"addresses": "a@x.com b@x.com", "role": Role.MEMBER}
    html = client.post(bulk_url(org), form).content.decode()
    person(org, email="b@x.com")  # joins before the admin presses Send
    response = client.post(
        bulk_url(org), {**form, "fingerprint": hidden(html, "fingerprint"), "step": "send"}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Something changed since the preview" in html and "Send 1 invitation<" in html
    assert not Invitation.objects.exists() and not mail.outbox


def test_send_without_a_preview_only_previews(org, admin_membership, client_for):
    response = client_for(admin_membership).post(
        bulk_url(org), {"addresses": "a@x.com", "role": Role.MEMBER, "step": "send"}
    )
    assert response.status_code == 200 and "Send 1 invitation" in response.content.decode()
    assert not Invitation.objects.exists()


def test_nothing_to_send_offers_no_send_button(org, admin_membership, client_for):
    html = (
        client_for(admin_membership)
        .post(bulk_url(org), {"addresses": admin_membership.user.email, "role": Role.MEMBER})
        .content.decode()
    )
    assert "0 to invite, 1 already a member" in html and 'value="send"' not in html


def test_change_the_list_goes_back_with_the_text(org, admin_membership, client_for):
    response = client_for(admin_membership).post(
        bulk_url(org), {"addresses": "a@x.com\nb@x.com", "role": Role.CHAMPION, "step": "edit"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "a@x.com\nb@x.com</textarea>" in html
    assert '<option value="champion" selected>' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "The list is empty"),
        ({"addresses": "a@x.com\n" * 501}, "more than 500 rows"),
        ({"addresses": "a" * (MAX_BYTES + 10)}, "larger than 1 MB"),
        (
            {"addresses": "a@x.com", "file": SimpleUploadedFile("a.csv", b"email\nb@x.com")},
            "not both",
        ),
        ({"file": SimpleUploadedFile("a.csv", b"x" * (MAX_BYTES + 1))}, "larger than 1 MB"),
    ],
)
def test_bad_lists_show_an_error_in_place(org, admin_membership, client_for, data, message):
    response = client_for(admin_membership).post(bulk_url(org), {"role": Role.MEMBER, **data})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and 'class="field has-error"' in html
    assert not Invitation.objects.exists()


def test_non_admins_get_the_admins_only_page(org, member_membership, client_for):
    client = client_for(member_membership)
    assert client.get(bulk_url(org)).status_code == 403
    response = client.post(bulk_url(org), {"addresses": "a@x.com", "role": "member"})
    assert response.status_code == 403 and "Only admins" in response.content.decode()
    assert not Invitation.objects.exists()


def test_another_organizations_admin_gets_404(org, other_org, client_for):
    outsider = person(other_org, role=Role.ADMIN)
    assert client_for(outsider).post(bulk_url(org), {"addresses": "a@x.com"}).status_code == 404


def test_preview_page_costs_the_same_queries_for_five_or_five_hundred_rows(
    org, admin_membership, client_for
):
    client = client_for(admin_membership)
    client.get(bulk_url(org))  # warm-up
    counts = []
    for n in (5, 500):
        text = "\n".join(f"p{i}@x.com" for i in range(n))
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(bulk_url(org), {"addresses": text, "role": Role.MEMBER})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 15


def test_accept_form_is_prefilled_with_the_invited_name(org, admin_membership, client):
    invitation = services.invite_member(
        organization=org, actor=admin_membership, email="n@x.com", name="Nia Noor"
    )
    url = reverse("accounts:accept_invitation", kwargs={"token": invitation_token(invitation)})
    assert 'value="Nia Noor"' in client.get(url).content.decode()


def test_the_single_invite_form_takes_an_optional_name(org, admin_membership, client_for):
    listing = reverse("orgchart:invitations", kwargs={"org_slug": org.slug})
    response = client_for(admin_membership).post(
        listing, {"email": "one@x.com", "name": "One Person", "role": Role.MEMBER}, follow=True
    )
    assert "One Person" in response.content.decode()
    assert Invitation.objects.get(email="one@x.com").name == "One Person"


def test_a_resend_never_changes_a_unit_without_the_preview_saying_so(
    org, admin_membership, client_for, django_capture_on_commit_callbacks
):
    """Re-sending to a pending invitation: a row that names no unit keeps the invitation's
    unit; one that names another unit (or a default unit that differs) is shown in the preview
    as a change, from → to, and only then sent."""
    eng = factories.OrgUnitFactory(organization=org, name="Engineering")
    sales = factories.OrgUnitFactory(organization=org, name="Sales")
    factories.InvitationFactory(organization=org, email="kim@x.com", unit=eng, role=Role.MEMBER)
    factories.InvitationFactory(organization=org, email="lee@x.com", unit=eng, role=Role.MEMBER)
    client = client_for(admin_membership)
    text = "email,unit\nkim@x.com,\nlee@x.com,Sales"
    preview = client.post(bulk_url(org), {"addresses": text, "role": Role.MEMBER})
    html = preview.content.decode()
    assert "2 re-sends (1 changes unit)" in html
    kim_row = html[html.index("kim@x.com") : html.index("lee@x.com")]
    assert "Engineering" in kim_row and "changes unit" not in kim_row
    lee_row = html[html.index("lee@x.com") :]
    assert "Engineering → <strong>Sales</strong>" in lee_row and "changes unit" in lee_row
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            bulk_url(org),
            {
                "addresses": hidden(html, "addresses"),
                "role": hidden(html, "role"),
                "unit": hidden(html, "unit"),
                "fingerprint": hidden(html, "fingerprint"),
                "step": "send",
            },
        )
    assert Invitation.objects.get(email="kim@x.com").unit == eng  # kept
    assert Invitation.objects.get(email="lee@x.com").unit == sales  # shown, then changed


def test_a_default_unit_that_moves_a_pending_invitation_is_a_change(org, admin_membership):
    eng = factories.OrgUnitFactory(organization=org, name="Engineering")
    sales = factories.OrgUnitFactory(organization=org, name="Sales")
    factories.InvitationFactory(organization=org, email="kim@x.com", unit=eng)
    (item,) = plan(org, admin_membership, "kim@x.com", default_unit=sales).rows
    assert item.outcome == Outcome.RESEND and item.changes_unit
    assert (item.previous_unit, item.unit) == (eng, sales)
