"""Every alert email written so far becomes a row of the mail outbox, in the state it was in:
waiting or failed ones stay due (the ``deliver_mail`` command, the worker's retries or the daily
sweep sends them), sent ones keep their history without their bodies, given-up ones are dead and
can be retried from the clinic's undelivered-mail page (docs/decisions.md, "One mail outbox")."""

from django.db import migrations

STATES = {
    "pending": "pending",
    "failed": "pending",
    # A claim of the old sender: its lease (next_attempt_at) says when it may be retried.
    "sending": "pending",
    "sent": "sent",
    "gave_up": "dead",
}


def into_outbox(apps, schema_editor):
    Notification = apps.get_model("redflags", "Notification")
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    rows = Notification.objects.filter(message__isnull=True).select_related("alert__patient")
    for row in rows.iterator(chunk_size=500):
        state = STATES.get(row.state, "pending")
        sent = state == "sent"
        row.message = OutboxMessage.objects.create(
            kind="alert",
            clinic_id=row.alert.patient.clinic_id,
            recipients=[row.to_email],
            subject=row.subject,
            body_text="" if sent else row.body_text,
            body_html="" if sent else row.body_html,
            dedup_key=f"alert-notification-{row.pk}",
            state=state,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_error=row.last_error,
            created_at=row.created_at,
            sent_at=row.sent_at,
        )
        row.save(update_fields=["message"])


class Migration(migrations.Migration):
    # Rows only; the old delivery columns go in 0005 (PostgreSQL refuses to ALTER a table with
    # pending foreign-key checks from these writes in the same transaction).

    dependencies = [
        ("core", "0001_outbox"),
        ("redflags", "0003_notification_message"),
    ]

    operations = [
        migrations.RunPython(into_outbox, migrations.RunPython.noop),
    ]
