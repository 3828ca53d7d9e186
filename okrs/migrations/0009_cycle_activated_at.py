from django.db import migrations, models


def backfill(apps, schema_editor):
    """Active and closed cycles opened when their activation was audited, else (created
    active, or seeded) when they were created."""
    Cycle = apps.get_model("okrs", "Cycle")
    AuditEntry = apps.get_model("okrs", "AuditEntry")
    for cycle in Cycle.objects.filter(status__in=["active", "closed"], activated_at__isnull=True):
        activation = (
            AuditEntry.objects.filter(
                organization_id=cycle.organization_id,
                target_type="cycle",
                target_id=cycle.pk,
                changes__status__1="active",
            )
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        cycle.activated_at = activation or cycle.created_at
        cycle.save(update_fields=["activated_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("okrs", "0008_single_line_titles"),
    ]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="activated_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
