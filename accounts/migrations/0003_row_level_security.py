"""Row-level security on every tenant table (PostgreSQL only; see accounts/rls.py).

It needs every tenant table (accounts, okrs, notifications) to exist: hence the dependencies
on the first migrations of okrs and notifications, which create them.

The list is explicit — a migration must not depend on today's models. A tenant table added
later gets `accounts.rls.protect(...)` in its own migration; tests/security/
test_row_level_security.py fails until it does.
"""

from django.db import migrations

from accounts.rls import protect

TENANT_TABLES = [
    "accounts_orgunit",
    "accounts_membership",
    "accounts_invitation",
    "okrs_cycle",
    "okrs_objective",
    "okrs_keyresult",
    "okrs_keyresultcontributor",
    "okrs_checkin",
    "okrs_initiative",
    "okrs_risk",
    "okrs_comment",
    "okrs_commentmention",
    "okrs_auditentry",
    "notifications_notificationlog",
    "notifications_notification",
    "notifications_notificationoptout",
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_security_tokens_and_names"),
        ("okrs", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [protect(*TENANT_TABLES)]
