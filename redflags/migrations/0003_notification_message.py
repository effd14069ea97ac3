import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Alert emails move to the mail outbox (core): each notification points at its email."""

    dependencies = [
        ("core", "0001_outbox"),
        ("redflags", "0002_flare_detection_escalation_notification_sending"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="message",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.outboxmessage",
            ),
        ),
    ]
