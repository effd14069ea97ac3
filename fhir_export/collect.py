"""What goes into a FHIR export, read with a fixed number of queries per resource type whatever
the number of patients or records (rows are streamed with ``iterator``), and turned into
resources by ``resources``.

Every reference resolves inside the export: patients, their clinic and every practitioner a
resource names are always included, and with ``since`` the older Encounters and CarePlans that
newer Observations and CarePlans point at are added too. The Questionnaires and the project's
CodeSystems are included, so each canonical URL and project code is defined in the export.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from accounts.models import Clinic, Patient, User
from exercises.models import PlanItem, PlanVersion, dosage_text
from exercises.selectors import version_spans
from outcomes.models import GROCResponse, PSFSRating
from redflags.models import Alert, AlertState
from symptoms.field_lists import ENTRY_FIELDS
from symptoms.models import PTSession, SymptomEntry

from . import resources as r
from . import terminology as t

Resource = dict[str, Any]
CLINICIAN_ROLES = (User.Role.THERAPIST, User.Role.CLINIC_ADMIN)
#: The entry's bookkeeping the Observation needs, then every answer of the data dictionary.
ENTRY_COLUMNS = (
    "id",
    "patient_id",
    "recorded_at",
    "created_at",
    "corrected_at",
    "session_id",
    *ENTRY_FIELDS,
)
CHUNK = 2000


@dataclass(frozen=True)
class _Version:
    """What ``exercises.selectors.version_spans`` reads of a plan version."""

    pk: int
    number: int
    start_date: dt.date
    end_date: dt.date | None


@dataclass
class Export:
    """One export: which patients, from which time on (None: everything)."""

    patients: QuerySet[Patient]
    since: dt.datetime | None = None
    #: Clinicians to include even when nothing names them (a clinic's whole staff).
    staff: QuerySet[User] | None = None
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def __post_init__(self) -> None:
        self._practitioners: set[int] = set()
        self._encounters: set[int] = set()
        self._wanted_encounters: set[int] = set()
        self._zones: dict[int, zoneinfo.ZoneInfo] = {}
        self._user_patient: dict[int, int] = {}
        self._clinics: set[int] = set()
        self._clinicians: dict[int, bool] = {}

    # --- the whole export -----------------------------------------------------------------------

    def resources(self) -> Iterator[Resource]:
        """Every resource of the export, each once. English throughout."""
        with translation.override("en"):
            for resource in self._all():
                self.counts[resource["resourceType"]] += 1
                yield resource

    def _all(self) -> Iterator[Resource]:
        yield from (r.code_system(cs) for cs in t.CODE_SYSTEMS)
        yield r.questionnaire_psfs()
        yield r.questionnaire_groc()
        yield from self._patients()
        self._load_clinicians()
        yield from self._encounters_()
        yield from self._observations()
        yield from self._older_encounters()
        yield from self._psfs()
        yield from self._groc()
        yield from self._flags()
        yield from self._care_plans()
        yield from self._organizations()
        yield from self._practitioners_()

    def _since(self, *fields: str) -> Q:
        if self.since is None:
            return Q()
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__gte": self.since})
        return condition

    def _zone(self, patient_id: int) -> zoneinfo.ZoneInfo:
        return self._zones[patient_id]

    def _author(self, user_id: int | None) -> tuple[str, int] | None:
        """Who wrote a record: the patient themself, or a clinician (then a Practitioner)."""
        if user_id is None:
            return None
        if user_id in self._user_patient:
            return ("Patient", self._user_patient[user_id])
        if self._clinicians.get(user_id):
            self._practitioners.add(user_id)
            return ("Practitioner", user_id)
        return None

    def _practitioner(self, user_id: int | None) -> int | None:
        author = self._author(user_id)
        return author[1] if author and author[0] == "Practitioner" else None

    # --- each resource type ---------------------------------------------------------------------

    def _patients(self) -> Iterator[Resource]:
        rows = self.patients.order_by("pk").values(
            "id",
            "user_id",
            "phone",
            "emergency_contact_name",
            "emergency_contact_phone",
            "time_zone",
            "closed_at",
            "clinic_id",
            "clinic__time_zone",
            "user__email",
            "user__full_name",
            "user__preferred_language",
        )
        for row in rows.iterator(chunk_size=CHUNK):
            self._zones[row["id"]] = zoneinfo.ZoneInfo(row["time_zone"] or row["clinic__time_zone"])
            self._user_patient[row["user_id"]] = row["id"]
            self._clinics.add(row["clinic_id"])
            yield r.patient(row)

    def _load_clinicians(self) -> None:
        """Which users are clinicians, among those of the exported clinics: one query."""
        for pk, role in User.objects.filter(clinic_id__in=self._clinics).values_list("pk", "role"):
            self._clinicians[pk] = role in CLINICIAN_ROLES
        if self.staff is not None:
            self._practitioners.update(self.staff.values_list("pk", flat=True))

    def _encounter(self, row: dict[str, Any]) -> Resource:
        self._encounters.add(row["id"])
        today = timezone.localtime(timezone.now(), self._zone(row["patient_id"])).date()
        return r.encounter(
            row, today=today, practitioner_id=self._practitioner(row["created_by_id"])
        )

    def _session_rows(self) -> QuerySet:
        return PTSession.objects.filter(patient__in=self.patients).values(
            "id",
            "patient_id",
            "patient__clinic_id",
            "date",
            "kind",
            "interventions",
            "created_by_id",
        )

    def _encounters_(self) -> Iterator[Resource]:
        rows = self._session_rows().filter(self._since("created_at")).order_by("id")
        for row in rows.iterator(chunk_size=CHUNK):
            yield self._encounter(row)

    def _observations(self) -> Iterator[Resource]:
        rows = (
            SymptomEntry.objects.filter(patient__in=self.patients)
            .filter(self._since("created_at", "corrected_at"))
            .order_by("id")
            .values(*ENTRY_COLUMNS)
        )
        for row in rows.iterator(chunk_size=CHUNK):
            resource = r.observation(row, self._zone(row["patient_id"]))
            if "encounter" in resource:
                self._wanted_encounters.add(row["session_id"])
            yield resource

    def _older_encounters(self) -> Iterator[Resource]:
        """Sessions older than ``since`` that a newer Observation follows."""
        missing = self._wanted_encounters - self._encounters
        if not missing:
            return
        for row in self._session_rows().filter(id__in=missing).order_by("id"):
            yield self._encounter(row)

    def _psfs(self) -> Iterator[Resource]:
        rows = (
            PSFSRating.objects.filter(assessment__patient__in=self.patients)
            .filter(self._since("assessment__recorded_at"))
            .order_by("assessment_id", "activity__position")
            .values_list(
                "assessment_id",
                "assessment__patient_id",
                "assessment__kind",
                "assessment__recorded_at",
                "assessment__created_by_id",
                "activity__name",
                "rating",
            )
        )
        current: dict[str, Any] | None = None
        ratings: list[tuple[str, int]] = []
        for pk, patient_id, kind, recorded_at, author, name, rating in rows.iterator(CHUNK):
            if current is not None and current["id"] != pk:
                yield self._psfs_response(current, ratings)
                ratings = []
            current = {
                "id": pk,
                "patient_id": patient_id,
                "kind": kind,
                "recorded_at": recorded_at,
                "created_by_id": author,
            }
            ratings.append((name, rating))
        if current is not None:
            yield self._psfs_response(current, ratings)

    def _psfs_response(self, assessment: dict[str, Any], ratings: list) -> Resource:
        return r.psfs_response(
            assessment,
            ratings,
            self._zone(assessment["patient_id"]),
            self._author(assessment["created_by_id"]),
        )

    def _groc(self) -> Iterator[Resource]:
        rows = (
            GROCResponse.objects.filter(patient__in=self.patients)
            .filter(self._since("recorded_at"))
            .order_by("id")
            .values("id", "patient_id", "score", "recorded_at", "created_by_id")
        )
        for row in rows.iterator(chunk_size=CHUNK):
            yield r.groc_response(
                row, self._zone(row["patient_id"]), self._author(row["created_by_id"])
            )

    def _flags(self) -> Iterator[Resource]:
        rows = (
            Alert.objects.filter(patient__in=self.patients)
            .exclude(state=AlertState.RESOLVED)
            .filter(self._since("updated_at", "opened_at"))
            .order_by("id")
            .values(
                "id", "patient_id", "patient__clinic_id", "rule", "severity", "reason", "opened_at"
            )
        )
        for row in rows.iterator(chunk_size=CHUNK):
            yield r.flag(row, self._zone(row["patient_id"]))

    def _care_plans(self) -> Iterator[Resource]:
        """Every plan version; ``since`` keeps the newer ones and those they replace. Two
        queries."""
        versions = list(
            PlanVersion.objects.filter(plan__patient__in=self.patients)
            .order_by("plan__patient_id", "number")
            .values(
                "id",
                "number",
                "start_date",
                "end_date",
                "note_to_patient",
                "created_at",
                "created_by_id",
                "plan__patient_id",
            )
        )
        by_patient: dict[int, list[dict]] = defaultdict(list)
        for version in versions:
            by_patient[version["plan__patient_id"]].append(version)
        chosen: list[tuple[dict, dt.date | None, int | None]] = []
        for patient_versions in by_patient.values():
            spans = version_spans(
                _Version(v["id"], v["number"], v["start_date"], v["end_date"])
                for v in patient_versions
            )
            last_days = {span.version.pk: span.last_day for span in spans}
            newer = [self.since is None or v["created_at"] >= self.since for v in patient_versions]
            # A newer version names the one it replaces, so that one comes too.
            keep = [n or (i + 1 < len(newer) and newer[i + 1]) for i, n in enumerate(newer)]
            for index, version in enumerate(patient_versions):
                if keep[index]:
                    previous = (
                        patient_versions[index - 1]["id"] if index and keep[index - 1] else None
                    )
                    chosen.append((version, last_days[version["id"]], previous))
        items: dict[int, list[dict]] = defaultdict(list)
        for item in (
            PlanItem.objects.filter(version_id__in=[v["id"] for v, _last, _prev in chosen])
            .order_by("version_id", "order", "id")
            .values(
                "version_id",
                "exercise__name",
                "sets",
                "reps",
                "hold_seconds",
                "times_per_day",
                "days_per_week",
                "instructions",
            )
        ):
            item["dosage"] = dosage_text(
                item["sets"],
                item["reps"],
                item["hold_seconds"],
                item["times_per_day"],
                item["days_per_week"],
            )
            items[item["version_id"]].append(item)
        for version, last_day, previous in chosen:
            zone = self._zone(version["plan__patient_id"])
            yield r.care_plan(
                version,
                items.get(version["id"], []),
                last_day=last_day,
                today=timezone.localtime(timezone.now(), zone).date(),
                replaces=previous,
                zone=zone,
                author_id=self._practitioner(version["created_by_id"]),
            )

    def _organizations(self) -> Iterator[Resource]:
        for clinic in (
            Clinic.objects.filter(pk__in=self._clinics).order_by("pk").values("id", "name")
        ):
            yield r.organization(clinic)

    def _practitioners_(self) -> Iterator[Resource]:
        rows = (
            User.objects.filter(pk__in=self._practitioners)
            .order_by("pk")
            .values("id", "full_name", "email", "is_active")
        )
        for row in rows:
            yield r.practitioner(row)
