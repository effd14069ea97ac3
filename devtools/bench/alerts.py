"""The benchmark's alerts: two resolved ones per patient with their triage, and an open one for
about a quarter of them."""

from __future__ import annotations

from datetime import timedelta

from redflags.models import Alert, AlertState, TriageAction


def build_alerts(chunk, rng, today, rule_set, therapist, now) -> None:
    """A resolved alert or two per patient, with their triage, and some still open."""
    alerts = []
    for patient in chunk:
        for rule, severity in (("R9", "review"), ("R13", "low")):
            opened = now - timedelta(days=rng.randint(3, 300), hours=rng.randint(0, 23))
            acknowledged = opened + timedelta(hours=rng.uniform(0.2, 30))
            alerts.append(
                Alert(
                    patient=patient,
                    rule=rule,
                    severity=severity,
                    initial_severity=severity,
                    state=AlertState.RESOLVED,
                    rule_set_version=rule_set,
                    opened_at=opened,
                    opened_day=opened.date(),
                    reason="Synthetic alert for the benchmark.",
                    acknowledged_at=acknowledged,
                    resolved_at=acknowledged + timedelta(hours=2),
                )
            )
        draw = rng.random()
        open_rule = None
        if draw < 0.02:
            open_rule = ("R1", "emergency")
        elif draw < 0.08:
            open_rule = ("R7", "urgent")
        elif draw < 0.2:
            open_rule = ("R8", "review")
        elif draw < 0.25:
            open_rule = ("R13", "low")
        if open_rule:
            opened = now - timedelta(hours=rng.randint(1, 200))
            alerts.append(
                Alert(
                    patient=patient,
                    rule=open_rule[0],
                    severity=open_rule[1],
                    initial_severity=open_rule[1],
                    state=AlertState.OPEN,
                    rule_set_version=rule_set,
                    opened_at=opened,
                    opened_day=opened.date(),
                    reason="Synthetic open alert for the benchmark.",
                )
            )
    alerts = Alert.objects.bulk_create(alerts)
    actions = []
    for alert in alerts:
        if alert.acknowledged_at:
            actions.append(
                TriageAction(
                    alert=alert,
                    kind="acknowledge",
                    actor=therapist,
                    created_at=alert.acknowledged_at,
                )
            )
        if alert.resolved_at:
            actions.append(
                TriageAction(
                    alert=alert,
                    kind="resolve",
                    actor=therapist,
                    note="Settled.",
                    created_at=alert.resolved_at,
                )
            )
    TriageAction.objects.bulk_create(actions)
