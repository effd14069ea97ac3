"""The patient overview's outcomes panel (issue 16): each measure at intake and now, the change
and whether it reached its MCID, and a small trend chart with the sessions marked, over the
overview's range. Nine queries, whatever the length of the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.safestring import SafeString

from accounts.models import Patient
from care.outcomes import PatientOutcomes, outcome_chart, patient_outcomes
from redflags.engine.params import RuleParams
from symptoms.models import PTSession


@dataclass(frozen=True)
class OutcomesPanel:
    outcomes: PatientOutcomes
    params: RuleParams
    chart: SafeString
    today: date

    @property
    def psfs_due(self) -> bool:
        return self.outcomes.psfs_history.due(self.today)


def outcomes_panel(
    patient: Patient, *, start: date, today: date, params: RuleParams
) -> OutcomesPanel:
    outcomes = patient_outcomes(patient, params=params, since=start)
    sessions = list(
        PTSession.objects.filter(patient=patient, date__gte=start, date__lte=today)
        .order_by("date")
        .values_list("date", flat=True)
    )
    chart = outcome_chart(
        outcomes,
        sessions=sessions,
        start=start,
        end=today,
        params=params,
        id_prefix="overview-outcomes",
    )
    return OutcomesPanel(outcomes=outcomes, params=params, chart=chart, today=today)
