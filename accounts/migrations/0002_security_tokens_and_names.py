"""Issue 9: invitation tokens stored as SHA-256 only, API tokens expire, names are one line."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations, models

import accounts.models
import accounts.validators


def hash_invitation_tokens(apps, schema_editor):
    Invitation = apps.get_model("accounts", "Invitation")
    for invitation in Invitation.objects.only("pk", "token").iterator():
        Invitation.objects.filter(pk=invitation.pk).update(
            token_hash=hashlib.sha256(invitation.token.encode()).hexdigest()
        )


def expire_existing_api_tokens(apps, schema_editor):
    """Tokens minted before expiry existed get the configured lifetime from their creation."""
    days = getattr(settings, "API_TOKEN_TTL_DAYS", 90)
    if not days:
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=token.created_at + timedelta(days=days)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(hash_invitation_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="invitation", name="token"),
        migrations.AlterField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(
                default=accounts.models._unusable_token_hash, max_length=64, unique=True
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(
                blank=True, help_text="Empty: never expires (API_TOKEN_TTL_DAYS=0).", null=True
            ),
        ),
        migrations.RunPython(expire_existing_api_tokens, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="apitoken",
            index=models.Index(
                fields=["user", "revoked_at"], name="accounts_ap_user_id_f995a6_idx"
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="name",
            field=models.CharField(
                max_length=120, validators=[accounts.validators.SingleLineTextValidator()]
            ),
        ),
        migrations.AlterField(
            model_name="orgunit",
            name="name",
            field=models.CharField(
                max_length=120, validators=[accounts.validators.SingleLineTextValidator()]
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="full_name",
            field=models.CharField(
                blank=True,
                max_length=150,
                validators=[accounts.validators.SingleLineTextValidator()],
            ),
        ),
    ]
