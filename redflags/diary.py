"""Flare-ups as the patient's diary lists them (spec.md section 6): periods with the
session they followed, e.g. "3 to 6 March, after your session on 2 March"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from accounts.models import Patient

from .models import FlareEpisode


@dataclass(frozen=True)
class FlarePeriod:
    start: date
    # None while the flare-up is still going.
    end: date | None
    session_day: date | None

    @property
    def is_open(self) -> bool:
        return self.end is None


def flares_for_diary(patient: Patient, start: date, end: date) -> list[FlarePeriod]:
    """The patient's flare-ups overlapping start..end, newest first. One query."""
    flares = (
        FlareEpisode.objects.filter(patient=patient, start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .select_related("session")
        .order_by("-start")
    )
    return [
        FlarePeriod(
            start=flare.start,
            end=flare.end,
            session_day=flare.session.date if flare.session is not None else None,
        )
        for flare in flares
    ]
