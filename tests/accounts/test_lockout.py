"""Login lockout (django-axes), password-reset request limit, session rotation.

Failed logins count per (email, client). After the limit the login page, the admin and the
API token endpoint answer 429 with a clear message — the same for known and unknown emails,
so the lockout tells nobody which addresses have accounts.
"""

import re

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from accounts.views.auth import RESET_LIMIT_MESSAGE
from tests import factories

LOGIN = "/accounts/login/"
LOCKED = "Too many failed log-in attempts"


@pytest.fixture
def kim(db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    return factories.UserFactory(email="kim@example.com")


def _page(response, email=""):
    """The page as text, without the per-response CSRF token and the email typed in."""
    text = re.sub(
        r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', r"\1-", response.content.decode()
    )
    return text.replace(email, "EMAIL") if email else text


def _login(client, email, password, ip="198.51.100.1", path=LOGIN):
    return client.post(path, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_lockout_after_repeated_failures_even_for_the_right_password(client, kim):
    for _ in range(2):
        assert _login(client, "kim@example.com", "wrong").status_code == 200
    locked = _login(client, "kim@example.com", "wrong")
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    assert int(locked["Retry-After"]) > 0
    right = _login(client, "KIM@example.com ", "pw")  # case and spaces do not evade it
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_unknown_and_known_emails_get_the_same_answers(client, kim):
    known = [_login(client, "kim@example.com", "wrong") for _ in range(4)]
    unknown = [_login(client, "ghost@example.com", "wrong") for _ in range(4)]
    assert (
        [r.status_code for r in known]
        == [r.status_code for r in unknown]
        == [
            200,
            200,
            429,
            429,
        ]
    )
    assert _page(known[0], "kim@example.com") == _page(unknown[0], "ghost@example.com")
    assert _page(known[-1]) == _page(unknown[-1])


def test_lockout_is_per_email_and_client(client, kim):
    for _ in range(3):
        _login(client, "kim@example.com", "wrong", ip="198.51.100.1")
    # Kim at another address is not locked out by someone guessing from elsewhere.
    assert _login(client, "kim@example.com", "pw", ip="192.0.2.9").status_code == 302


def test_a_successful_login_resets_the_count(client, kim):
    for _ in range(2):
        _login(client, "kim@example.com", "wrong")
    assert _login(client, "kim@example.com", "pw").status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(2):
        assert _login(client, "kim@example.com", "wrong").status_code == 200


def test_admin_login_locks_out_too(client, kim):
    kim.is_staff = kim.is_superuser = True
    kim.save()
    for _ in range(2):
        assert _login(client, "kim@example.com", "wrong", path="/admin/login/").status_code == 200
    locked = _login(client, "kim@example.com", "wrong", path="/admin/login/")
    assert locked.status_code == 429 and LOCKED in locked.content.decode()


def test_session_key_rotates_on_login(client, kim):
    client.get(LOGIN)
    session = client.session
    session["before"] = "login"
    session.save()
    before = session.session_key
    assert _login(client, "kim@example.com", "pw").status_code == 302
    after = client.session.session_key
    assert after and after != before
    assert client.session["before"] == "login"  # cycled, not flushed: same visitor


def _reset(client, email, ip="198.51.100.1"):
    # The reset mail is queued on commit: run the hook as a real commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_requests_are_limited_per_email(client, kim, settings):
    settings.PASSWORD_RESET_RATE = 3
    for n in range(3):
        assert _reset(client, "kim@example.com", ip=f"198.51.100.{n}").status_code == 302
    refused = _reset(client, "kim@example.com", ip="198.51.100.99")
    assert refused.status_code == 429
    assert RESET_LIMIT_MESSAGE in refused.content.decode().replace("&#x27;", "'")
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_limited_per_client_without_enumeration(client, kim, settings):
    settings.PASSWORD_RESET_RATE = 3
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        assert _reset(client, email).status_code == 302
    known, unknown = _reset(client, "kim@example.com"), _reset(client, "ghost@example.com")
    assert known.status_code == unknown.status_code == 429
    assert _page(known, "kim@example.com") == _page(unknown, "ghost@example.com")
    assert mail.outbox == []
    assert _reset(client, "kim@example.com", ip="192.0.2.9").status_code == 302


# --- behind the TLS proxy docs/operations.md prescribes ------------------------------------

PROXY = "10.0.0.2"  # every request reaches the app from the proxy's address


def _via_proxy(client, path, data, client_ip):
    return client.post(path, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_ip)


def test_behind_a_counted_proxy_a_stranger_cannot_lock_a_colleague_out(client, kim, settings):
    settings.NUM_PROXIES = 1
    wrong = {"username": "kim@example.com", "password": "wrong"}
    for _ in range(3):
        _via_proxy(client, LOGIN, wrong, "203.0.113.66")
    assert _via_proxy(client, LOGIN, wrong, "203.0.113.66").status_code == 429
    right = {"username": "kim@example.com", "password": "pw"}
    assert _via_proxy(client, LOGIN, right, "198.51.100.7").status_code == 302


def test_behind_a_counted_proxy_the_reset_limit_stays_per_client(client, kim, settings):
    settings.NUM_PROXIES = 1
    settings.PASSWORD_RESET_RATE = 2
    path = reverse("accounts:password_reset")
    for email in ("a@example.com", "b@example.com"):
        assert _via_proxy(client, path, {"email": email}, "203.0.113.66").status_code == 302
    assert _via_proxy(client, path, {"email": "c@example.com"}, "203.0.113.66").status_code == 429
    assert _via_proxy(client, path, {"email": "kim@example.com"}, "198.51.100.7").status_code == 302


def test_with_the_proxy_uncounted_everyone_shares_one_client_which_the_deploy_check_flags(
    client, kim, settings
):
    """NUM_PROXIES=0 behind a proxy: every client is the proxy, so one stranger's failures lock
    kim out everywhere. `accounts.W002` (tests/test_settings.py) warns about exactly this."""
    settings.NUM_PROXIES = 0
    wrong = {"username": "kim@example.com", "password": "wrong"}
    for _ in range(3):
        _via_proxy(client, LOGIN, wrong, "203.0.113.66")
    right = {"username": "kim@example.com", "password": "pw"}
    assert _via_proxy(client, LOGIN, right, "198.51.100.7").status_code == 429
