"""What the cluster run checks once everything has stopped: the database against what the app
acknowledged, and the SMTP sink against the mail outbox (devtools/load/cluster.py).

Imported by the orchestrator after Django is set up (devtools/load/harness.py).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Count, Max
from django_tasks_db.models import DBTaskResult

from audit.models import FormSubmission
from core.delivery import message_id
from core.models import MailKind, OutboxMessage, OutboxState
from exercises.models import ExerciseLog
from redflags.models import Alert, AlertEvidence, SweepRun
from reminders.choices import DispatchState
from reminders.models import ReminderDispatch
from symptoms.models import DailySummary, SymptomEntry

from .cluster_driver import ClusterRun
from .cluster_procs import CronRun
from .cluster_seed import DueReminder
from .smtp_sink import Received

SWEPT = re.compile(r"^clinic (\d+) (\d{4}-\d{2}-\d{2}): \d+ patients", re.MULTILINE)
BUSY = re.compile(r": being swept by another run$", re.MULTILINE)
#: What a scheduler or mail run found the other one had claimed first ("3 taken", "taken: 3").
TAKEN = re.compile(r"(\d+) taken|taken: (\d+)")
WRITE_MODELS = {"entry": SymptomEntry, "quick_log": SymptomEntry, "dose": ExerciseLog}


def _rows_by_key(model, keys: set[str]) -> dict[str, list[int]]:
    rows: dict[str, list[int]] = defaultdict(list)
    for key, pk in model.objects.filter(idempotency_key__in=keys).values_list(
        "idempotency_key", "pk"
    ):
        rows[key].append(pk)
    return rows


def writes(run: ClusterRun) -> dict:
    """Every acknowledged write stored exactly once, under its key, with the id it was
    acknowledged with; no row that no request sent."""
    acked: dict[tuple[str, str], set[int]] = defaultdict(set)
    for ack in run.acks:
        acked[(ack.kind, ack.key)].add(ack.record_id)
    sent = set(acked) | set(run.unacknowledged)
    lost = duplicates = unacknowledged_stored = 0
    for kind, model in WRITE_MODELS.items():
        keys = {key for k, key in sent if k == kind}
        rows = _rows_by_key(model, keys)
        for (ack_kind, key), ids in acked.items():
            if ack_kind != kind:
                continue
            stored = rows.get(key, [])
            named = ids - {0}
            lost += not stored or not named <= set(stored)
            duplicates += max(0, len(stored) - 1) + max(0, len(named) - 1)
        unacknowledged_stored += sum(
            1 for k, key in run.unacknowledged if k == kind and key in rows
        )
    triage = {key for k, key in acked if k == "triage"}
    claimed = Counter(
        FormSubmission.objects.filter(token__in=triage).values_list("token", flat=True)
    )
    lost += sum(1 for token in triage if not claimed[token])
    duplicates += sum(n - 1 for n in claimed.values() if n > 1)
    sent_keys = {key for k, key in sent if k in ("entry", "quick_log")}
    phantom = SymptomEntry.objects.exclude(idempotency_key__in=sent_keys).count()
    phantom += ExerciseLog.objects.exclude(
        idempotency_key__in={key for k, key in sent if k == "dose"}
    ).count()
    return {
        "acknowledged_writes": len(acked),
        "acknowledged_by_kind": dict(Counter(kind for kind, _key in acked)),
        "lost_writes": lost,
        "duplicate_writes": duplicates,
        "rows_no_request_sent": phantom,
        "unacknowledged_writes": len(set(run.unacknowledged)),
        "unacknowledged_stored": unacknowledged_stored,
    }


def alerts(run: ClusterRun) -> dict:
    """Each alert raised once per rule episode: a patient's alerts of one rule never overlap,
    and each red-flag entry stored is evidence for exactly one alert of its rule (R4)."""
    overlapping = 0
    previous: dict[tuple[int, str], tuple[datetime | None, str]] = {}
    for patient_id, rule, opened_at, resolved_at, state in Alert.objects.order_by(
        "patient_id", "rule", "opened_at", "pk"
    ).values_list("patient_id", "rule", "opened_at", "resolved_at", "state"):
        before = previous.get((patient_id, rule))
        if before is not None and (before[0] is None or before[0] > opened_at):
            overlapping += 1
        previous[(patient_id, rule)] = (resolved_at, state)
    flagged = list(
        SymptomEntry.objects.filter(idempotency_key__in=run.red_flag_keys).values_list(
            "pk", flat=True
        )
    )
    per_entry = Counter(
        entry_id
        for entry_id, _alert in AlertEvidence.objects.filter(entry_id__in=flagged, alert__rule="R4")
        .values_list("entry_id", "alert_id")
        .distinct()
    )
    return {
        "alerts": Alert.objects.count(),
        "alert_episodes_resolved": Alert.objects.filter(state=Alert.State.RESOLVED).count(),
        "red_flag_entries": len(flagged),
        "duplicate_alerts": overlapping + sum(n - 1 for n in per_entry.values() if n > 1),
        "alerts_missed": sum(1 for pk in flagged if not per_entry[pk]),
    }


def _received(messages: Iterable[Received]) -> Counter:
    return Counter(message.message_id for message in messages)


def _sent_as(row: OutboxMessage) -> str:
    """The Message-ID a row is sent with: its own header (a reminder's), else the outbox's."""
    return row.headers.get("Message-ID") or message_id(row)


def alert_emails(messages: list[Received]) -> dict:
    """Each alert email (one per alert episode and recipient) received exactly once; each
    urgent alert emailed."""
    received = _received(messages)
    rows = list(OutboxMessage.objects.filter(kind=MailKind.ALERT))
    notified = {int(row.dedup_key.split("-")[1]) for row in rows}
    urgent = Alert.objects.filter(severity__in=["urgent", "emergency"]).values_list("pk", flat=True)
    return {
        "alert_emails": len(rows),
        "notifications_sent_twice": sum(max(0, received[_sent_as(r)] - 1) for r in rows),
        "notifications_missed": sum(1 for r in rows if not received[_sent_as(r)])
        + sum(1 for pk in urgent if pk not in notified),
    }


def reminders(due: list[DueReminder], messages: list[Received]) -> dict:
    """Each reminder that fell due: claimed once, its email received exactly once."""
    received = _received(messages)
    dispatches = {
        (d.patient_id, d.kind, d.local_date): d
        for d in ReminderDispatch.objects.filter(patient_id__in={r.patient_id for r in due})
    }
    emails = {
        row.dedup_key: row
        for row in OutboxMessage.objects.filter(kind=MailKind.REMINDER, dedup_key__startswith="r")
    }
    missed = twice = skipped = 0
    for reminder in due:
        dispatch = dispatches.get((reminder.patient_id, reminder.kind, reminder.local_date))
        if dispatch is None:
            missed += 1
            continue
        if dispatch.state == DispatchState.SKIPPED:
            skipped += 1
            missed += 1
            continue
        row = emails.get(f"reminder-{dispatch.pk}")
        copies = received[_sent_as(row)] if row is not None else 0
        missed += copies == 0
        twice += max(0, copies - 1)
    expected = {(r.patient_id, r.kind, r.local_date) for r in due}
    return {
        "reminders_due": len(due),
        "reminders_sent_twice": twice,
        "reminders_missed": missed,
        "reminders_skipped": skipped,
        "reminders_unexpected": sum(1 for key in dispatches if key not in expected),
    }


def sweeps(runs: list[CronRun], clinic_days: dict[int, date]) -> dict:
    """Each clinic's daily sweep run once: counted from what the sweep commands printed (a run
    that swept says how many patients; one that found the day taken or done says so)."""
    swept: Counter[tuple[int, str]] = Counter()
    for run in runs:
        if "run_daily_sweep" in run.argv:
            swept.update((int(c), d) for c, d in SWEPT.findall(run.output))
    finished = set(
        SweepRun.objects.filter(finished_at__isnull=False).values_list("clinic_id", "day")
    )
    busy = sum(len(BUSY.findall(run.output)) for run in runs if "run_daily_sweep" in run.argv)
    return {
        "sweeps": sum(swept.values()),
        "sweeps_left_to_the_other_runner": busy,
        "sweeps_duplicated": sum(n - 1 for n in swept.values() if n > 1),
        "sweeps_missed": sum(
            1
            for clinic, day in clinic_days.items()
            if (clinic, day) not in finished or not swept[(clinic, day.isoformat())]
        ),
    }


def summaries() -> dict:
    """Each patient's day summary as its entries say (daily pain, number of entries): two
    entries saved at the same moment on two nodes must both count."""
    stored = {
        (row["patient_id"], row["day"]): (row["daily_pain"], row["entry_count"])
        for row in DailySummary.objects.values("patient_id", "day", "daily_pain", "entry_count")
    }
    actual = {
        (row["patient_id"], row["day"]): (row["pain"], row["count"])
        for row in SymptomEntry.objects.values("patient_id", "day").annotate(
            pain=Max("pain_worst"), count=Count("id")
        )
    }
    return {
        "day_summaries": len(actual),
        "day_summaries_wrong": sum(1 for key, value in actual.items() if stored.get(key) != value)
        + sum(1 for key in stored if key not in actual),
    }


def outbox() -> dict:
    """Nothing due left unsent, nothing given up."""
    states = Counter(OutboxMessage.objects.values_list("state", flat=True))
    return {
        "emails_sent": states.get(OutboxState.SENT, 0),
        "emails_unsent": states.get(OutboxState.PENDING, 0) + states.get(OutboxState.SENDING, 0),
        "emails_given_up": states.get(OutboxState.DEAD, 0),
    }


def tasks() -> dict:
    """The task queue at the end: a task a killed worker was running stays RUNNING (its work
    is picked up by cron's runs: nothing depends on it finishing)."""
    states = Counter(DBTaskResult.objects.values_list("status", flat=True))
    return {
        "tasks_run": states.get("SUCCESSFUL", 0),
        "tasks_failed": states.get("FAILED", 0),
        "tasks_left_running": states.get("RUNNING", 0),
    }


def races(runs: list[CronRun]) -> dict:
    """How often one cron node found work the other had just claimed: the races the database
    settled (reminders by their unique row, emails by their row lock)."""

    def taken(command: str) -> int:
        return sum(
            int(a or b) for run in runs if command in run.argv for a, b in TAKEN.findall(run.output)
        )

    return {
        "reminders_claimed_by_the_other_scheduler": taken("send_due_reminders"),
        "emails_claimed_by_another_sender": taken("deliver_mail"),
    }
