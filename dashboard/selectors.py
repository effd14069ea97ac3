"""Reads every dashboard page shares: the clinic's current rule set, its time zone and its day.

The pages' own reads live beside them, each with a fixed number of queries whatever the size of
the caseload or the length of the history (pinned in tests/dashboard/test_query_counts.py):

    caseload          the caseload in risk order, filtered and paginated
    caseload_rows     the figures of one caseload page
    adherence         adherence of many patients at once
    clinic_view       the clinic view's alert figures
    overview.loader   what the patient overview reads (overview.assembler makes it a page)
    exports           the CSV exports
"""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.utils import timezone

from accounts.models import User
from redflags.engine.params import RuleParams
from redflags.models import RuleSetVersion


def rule_params_for_clinic(clinic_id: int | None) -> RuleParams:
    """The thresholds of the clinic's current rule-set version; the defaults without one."""
    version = RuleSetVersion.objects.filter(clinic_id=clinic_id).order_by("-number").first()
    return version.rule_params() if version else RuleParams()


def clinic_zone(user: User) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(user.clinic.time_zone if user.clinic_id else "UTC")


def clinic_today(user: User) -> date:
    """The local day in the user's clinic: the caseload's "today" for every patient on it."""
    return timezone.localtime(timezone.now(), clinic_zone(user)).date()
