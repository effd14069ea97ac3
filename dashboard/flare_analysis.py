"""Reads for the clinic's flare-up analysis (issue 16): one aggregate query whatever the number
of sessions (plus the total and the therapists' names when grouped), then ``flare_rates`` does
the arithmetic.

Which sessions count: those of the clinic's patients (closed ones too: past patients are part
of the clinic's experience) from ``start`` to ``end``, but never a session whose 2-day window
has not ended yet (after today - 2), which could still be followed by a flare-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)

from accounts.models import User
from redflags.engine.params import RuleParams
from redflags.models import FlareEpisode
from symptoms.choices import Intervention
from symptoms.models import PTSession

from .flare_rates import GroupRates, SessionCount, group_rates


class LinkedAnnotations(TypedDict):
    link_from: date
    linked: int | None


if TYPE_CHECKING:  # django-stubs' helper types only (django_stubs_ext is not a run-time need)
    from django_stubs_ext import WithAnnotations

    LinkedFlare = WithAnnotations[FlareEpisode, LinkedAnnotations]

GROUP_NONE = ""
GROUP_THERAPIST = "therapist"
GROUP_DIAGNOSIS = "diagnosis"
GROUP_FIELDS = {
    GROUP_THERAPIST: "patient__therapists",
    GROUP_DIAGNOSIS: "patient__intake__conditions",
}


@dataclass(frozen=True)
class FlareAnalysis:
    start: date
    end: date
    #: The last session day counted (end, or today - 2 when the window is still open).
    last_counted: date
    group_by: str
    groups: list[GroupRates]
    #: Group key -> what to call it (a therapist's name, a diagnosis).
    labels: dict[str, str]
    sessions: int


class DaysBefore(Func):
    """``date - days`` in the database's own date arithmetic (SQLite's ``date(d, '-2 days')``,
    PostgreSQL's ``d - 2``): Django's portable ``F() - timedelta`` calls back into Python for
    every row on SQLite, which cost more than the whole query over a year of flare-ups."""

    output_field = DateField()

    def __init__(self, expression, days: int) -> None:
        self.days = int(days)
        super().__init__(expression)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, %s)", [*params, f"-{self.days} days"]

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} - %s)", [*params, self.days]

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        wrapped = ExpressionWrapper(
            self.source_expressions[0] - timedelta(days=self.days), output_field=DateField()
        )
        return compiler.compile(wrapped)


def linked_flares(params: RuleParams) -> QuerySet[LinkedFlare]:
    """Flare-ups annotated with ``linked``: the session each belongs to, in SQL. It is
    ``flare_session_link``: the patient's latest session from 2 days before the start to the
    start day, the later recorded one on a tie (tests/dashboard/test_flare_analysis.py checks
    the two agree)."""
    link_from = DaysBefore(F("start"), params.flare_session_link_days)
    latest = (
        PTSession.objects.filter(
            patient=OuterRef("patient"),
            date__lte=OuterRef("start"),
            date__gte=OuterRef("link_from"),
        )
        .order_by("-date", "-pk")
        .values("pk")[:1]
    )
    return FlareEpisode.objects.annotate(link_from=link_from).annotate(linked=Subquery(latest))


def _diagnosis_key(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def flare_analysis(
    clinic_id: int,
    *,
    start: date,
    end: date,
    today: date,
    params: RuleParams,
    group_by: str = GROUP_NONE,
) -> FlareAnalysis:
    """Sessions followed by a flare-up within 2 days, per intervention, over one period."""
    link = timedelta(days=params.flare_session_link_days)
    last_counted = min(end, today - link)
    # Only a flare-up starting from the first counted day to 2 days after the last can belong
    # to a counted session; which session it belongs to is decided among all of the patient's.
    followed = linked_flares(params).filter(
        patient__clinic_id=clinic_id, start__gte=start, start__lte=last_counted + link
    )
    sessions = PTSession.objects.filter(
        patient__clinic_id=clinic_id, date__gte=start, date__lte=last_counted
    ).annotate(
        hit=Case(
            When(pk__in=Subquery(followed.values("linked")), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    field = GROUP_FIELDS.get(group_by)
    keys = ["interventions", *([field] if field else [])]
    counts = []
    labels: dict[str, str] = {}
    for row in sessions.values(*keys).annotate(n=Count("pk"), hits=Sum("hit")).order_by():
        raw = row.get(field) if field else None
        if group_by == GROUP_DIAGNOSIS:
            key = _diagnosis_key(raw)
            if key:
                labels.setdefault(key, " ".join(str(raw).split()))
        else:
            key = "" if raw is None else str(raw)
        counts.append(
            SessionCount(frozenset(row["interventions"] or ()), key, row["n"], row["hits"] or 0)
        )
    if group_by == GROUP_THERAPIST:
        ids = {int(c.group) for c in counts if c.group}
        labels = {
            str(pk): name
            for pk, name in User.objects.filter(pk__in=ids).values_list("pk", "full_name")
        }
    return FlareAnalysis(
        start=start,
        end=end,
        last_counted=last_counted,
        group_by=group_by,
        groups=group_rates(counts, interventions=list(Intervention.values)),
        labels=labels,
        # Grouped, a session may count in several groups (a patient with two therapists).
        sessions=sessions.count() if field else sum(c.sessions for c in counts),
    )
