"""`make bench`: build a synthetic clinic in its own SQLite file and time the dashboard.

Measured in one process through the whole Django stack (middleware, sessions, templates) with
the test client: the caseload at 10 and at 500 patients, the patient overview of a patient with
a year of entries (4 weeks, the default, and the whole year), saving an entry through
``care.services.entry_record`` with every rule, and a trivial view (the health
check), and the clinic's flare-ups per intervention over a year (issue 16). Beside the
caseload of 500, the overview and the clinic's flare-ups it times their raw-SQL floor
(devtools/bench/floor.py), taking turns with the page, and reports page p50 / floor p50. Prints
a table, then one JSON object as the last line. See docs/benchmarks.md.

It deletes and rebuilds its database, so it refuses to run unless the configured SQLite file is
named ``bench.sqlite3``.
"""

from __future__ import annotations

import json
import os
import platform
import random
import sqlite3
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Clinic, Patient, User
from care.services import entry_record
from devtools.bench import floor
from devtools.bench.data import build_clinic
from symptoms.models import DailySummary, PTSession, SymptomEntry

BENCH_DB_NAME = "bench.sqlite3"
#: The pages timed against their raw-SQL floor, and the most each may cost over it.
FLOOR_RATIO_TARGET = 1.5
RATIOS = {
    "caseload_500_vs_floor": ("caseload_500", "caseload_500_floor"),
    "overview_vs_floor": ("overview", "overview_floor"),
    "overview_all_vs_floor": ("overview_all", "overview_all_floor"),
    "clinic_flares_year_vs_floor": ("clinic_flares_year", "clinic_flares_year_floor"),
}
#: What no page can beat: the trivial view (the health check, through the same middleware,
#: session and two-step check as every page) over the overview's floor, timed in the same turns.
#: While it is above FLOOR_RATIO_TARGET, so is every page however little it does around its SQL.
LOWER_BOUNDS = {"trivial_vs_overview_floor": ("trivial", "overview_floor")}


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(percent / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _page(client: Client, url: str, expect: str) -> Callable[[], None]:
    """One request of a page, which must answer 200 with ``expect`` in it."""

    def run() -> None:
        response = client.get(url, secure=True)
        if response.status_code != 200 or expect.encode() not in response.content:
            raise CommandError(f"{response.status_code} from {url}")

    return run


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


class Command(BaseCommand):
    help = "Build a synthetic clinic in bench/bench.sqlite3 and time the dashboard."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, default=500)
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--repeat", type=int, default=40, help="timed requests per page")
        parser.add_argument("--saves", type=int, default=100, help="timed entry saves")
        parser.add_argument("--keep", action="store_true", help="reuse an existing bench database")

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.sqlite3" or Path(db["NAME"]).name != BENCH_DB_NAME:
            raise CommandError(
                f"Set DJANGO_SQLITE_PATH to a file named {BENCH_DB_NAME}: this command deletes it."
            )
        path = Path(db["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        if not options["keep"] or not path.exists():
            self.build(path, options, started)
        self.measure_and_report(options, started)

    def build(self, path: Path, options, started: float) -> None:
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        call_command("migrate", verbosity=0, interactive=False)
        self.stdout.write(
            f"Building {options['patients']} patients x {options['days']} days ...", ending=""
        )
        self.stdout.flush()
        build_clinic(patients=options["patients"], days=options["days"])
        with connection.cursor() as cursor:
            # What an operator runs after a bulk load so the planner knows the tables.
            cursor.execute("ANALYZE")
        self.stdout.write(f" {time.perf_counter() - started:.0f} s")

    def measure_and_report(self, options, started: float) -> None:
        """Time the clinic in the database (``build_clinic``'s) and print the figures."""
        results = self.measure(options)
        results["build_and_measure_s"] = round(time.perf_counter() - started, 1)
        self.report(results)

    # --- Measurements -----------------------------------------------------------------------

    def measure(self, options) -> dict[str, Any]:
        clinic = Clinic.objects.get(name="Bench Physio")
        therapist = User.objects.get(email="bench-therapist@example.test")
        small = User.objects.get(email="bench-small@example.test")
        patient = (
            Patient.objects.filter(therapists=small).order_by("pk").select_related("user").first()
        )
        if patient is None:
            raise CommandError("The bench clinic has no patients: run without --keep to build it.")
        repeat = options["repeat"]
        big, few = self.verified_client(therapist), self.verified_client(small)
        caseload = reverse("dashboard:caseload")
        overview = reverse("dashboard:patient_overview", args=[patient.pk])
        # The local days the pages take as today, for their floors.
        clinic_today = timezone.localtime(timezone.now(), ZoneInfo(clinic.time_zone)).date()
        today = patient.local_day()
        four_weeks = today - timedelta(days=floor.OVERVIEW_DAYS - 1)

        timings: dict[str, dict[str, Any]] = {}
        timings |= self.timed({"caseload_10": _page(few, caseload, "caseload-list")}, repeat)
        # Each page takes turns with its floor, so the machine's load weighs on both alike.
        timings |= self.timed(
            {
                "caseload_500": _page(big, caseload, "caseload-list"),
                "caseload_500_floor": lambda: floor.caseload_floor(therapist.pk, clinic_today),
            },
            repeat,
        )
        timings |= self.timed(
            {
                "overview": _page(big, overview, "overview-body"),
                "overview_floor": lambda: floor.overview_floor(patient.pk, today, four_weeks),
                "trivial": _page(big, reverse("healthz"), "ok"),
            },
            repeat,
        )
        timings |= self.timed(
            {
                "overview_all": _page(big, f"{overview}?range=all", "overview-body"),
                "overview_all_floor": lambda: floor.overview_floor(patient.pk, today, None),
            },
            repeat,
        )
        # The clinic's flare-ups per intervention over a year, split per diagnosis (issue 16):
        # one aggregate statement over every session, whatever their number.
        year_ago = clinic_today - timedelta(days=364)
        flares = f"{reverse('dashboard:clinic_flares')}?start={year_ago}&group=diagnosis"
        timings |= self.timed(
            {
                "clinic_flares_year": _page(big, flares, "flare-tables"),
                "clinic_flares_year_floor": lambda: floor.clinic_flares_floor(
                    clinic.pk, year_ago, clinic_today - timedelta(days=2)
                ),
            },
            repeat,
        )
        timings |= self.timed({"entry_save": self.entry_saver(clinic)}, options["saves"], warmup=3)
        return {
            "sessions": PTSession.objects.filter(patient__clinic=clinic).count(),
            "patients": Patient.objects.filter(clinic=clinic).count(),
            "entries": SymptomEntry.objects.count(),
            "daily_summaries": DailySummary.objects.count(),
            "timings": timings,
        }

    @staticmethod
    def verified_client(user) -> Client:
        """A client logged in as a clinician who has passed two-step verification (the app
        demands it of clinicians), as after entering an authenticator code."""
        client = Client()
        client.force_login(user)
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "Bench phone"}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key or ""
        return client

    def entry_saver(self, clinic) -> Callable[[], None]:
        rng = random.Random(7)
        patients = list(Patient.objects.filter(clinic=clinic).select_related("user", "clinic"))

        def save() -> None:
            patient = rng.choice(patients)
            pain = rng.randint(1, 6)
            entry_record(
                patient,
                {
                    "context": "daily",
                    "pain_now": pain,
                    "pain_worst": pain + rng.randint(0, 2),
                    "descriptors": ["tingling", "aching"],
                    "regions": ["lower_back", "left_thigh"],
                    "recorded_at": timezone.now() - timedelta(minutes=rng.randint(0, 600)),
                },
                actor=patient.user,
            )

        return save

    def timed(
        self, runs: dict[str, Callable[[], object]], repeat: int, warmup: int = 2
    ) -> dict[str, dict[str, Any]]:
        """Warm-up runs, one run each with its SQL counted, then ``repeat`` timed runs each,
        the runs taking turns."""
        for _ in range(warmup):
            for run in runs.values():
                run()
        queries = {name: self.counted(run) for name, run in runs.items()}
        samples: dict[str, list[float]] = {name: [] for name in runs}
        cpu: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(repeat):
            for name, run in runs.items():
                began, began_cpu = time.perf_counter(), time.process_time()
                run()
                samples[name].append((time.perf_counter() - began) * 1000)
                cpu[name].append((time.process_time() - began_cpu) * 1000)
        return {
            name: {
                "queries": queries[name],
                "p50_ms": round(statistics.median(samples[name]), 1),
                "p90_ms": round(_percentile(samples[name], 90), 1),
                "min_ms": round(min(samples[name]), 1),
                # CPU time of this process (SQLite runs in it): what the page costs, whatever
                # else the machine is doing at the time.
                "cpu_p50_ms": round(statistics.median(cpu[name]), 1),
                # Unrounded, for the ratios of a page to its floor.
                "p50_exact_ms": statistics.median(samples[name]),
                "runs": repeat,
            }
            for name in runs
        }

    @staticmethod
    def counted(run: Callable[[], object]) -> int:
        """The SQL statements of one run, counted with an execute wrapper (the request signals
        reset connection.queries)."""
        executed = []

        def count(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            run()
        return len(executed)

    # --- Report ---------------------------------------------------------------------------------

    def report(self, results: dict[str, Any]) -> None:
        timings = results["timings"]
        ratios = _ratios(timings)
        self.stdout.write("")
        self.stdout.write(
            f"{results['patients']} patients, {results['entries']} entries, "
            f"{results['daily_summaries']} daily summaries, {results['sessions']} sessions"
        )
        self.stdout.write(
            f"{'measure':<20}{'queries':>8}{'p50 ms':>10}{'p90 ms':>10}{'min ms':>10}"
            f"{'cpu p50':>10}{'runs':>6}"
        )
        for name, row in timings.items():
            self.stdout.write(
                f"{name:<20}{row['queries']:>8}{row['p50_ms']:>10}{row['p90_ms']:>10}"
                f"{row['min_ms']:>10}{row['cpu_p50_ms']:>10}{row['runs']:>6}"
            )
        load = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
        self.stdout.write(f"load average (1 min) at the end: {load}")
        for name, ratio in ratios.items():
            verdict = "meets" if ratio <= FLOOR_RATIO_TARGET else "MISSES"
            self.stdout.write(
                f"{name}: {ratio} (page p50 / raw-SQL floor p50), "
                f"target <= {FLOOR_RATIO_TARGET}: {verdict}"
            )
        for name, bound in _ratios(timings, ratios=LOWER_BOUNDS).items():
            reach = "within reach" if bound <= FLOOR_RATIO_TARGET else "out of reach of any page"
            self.stdout.write(
                f"{name}: {bound} (trivial view p50 / overview floor p50): "
                f"overview_vs_floor <= {FLOOR_RATIO_TARGET} is {reach}"
            )
        targets = {
            "caseload_500_p50_ms": (timings["caseload_500"]["p50_ms"], 100),
            "overview_p50_ms": (timings["overview"]["p50_ms"], 60),
            "entry_save_p50_ms": (timings["entry_save"]["p50_ms"], 25),
        }
        for name, (value, limit) in targets.items():
            verdict = "meets" if value <= limit else "MISSES"
            self.stdout.write(f"{name}: {value} ms, target <= {limit} ms: {verdict}")
        same = timings["caseload_10"]["queries"] == timings["caseload_500"]["queries"]
        self.stdout.write(f"same query count at 10 and 500 patients: {'yes' if same else 'NO'}")
        self.stdout.write(json.dumps(_summary(results, ratios, load)))


def _ratios(
    timings: dict[str, dict[str, Any]],
    measure: str = "p50_exact_ms",
    ratios: dict[str, tuple[str, str]] = RATIOS,
) -> dict[str, float]:
    """Each page's p50 over its raw-SQL floor's p50 (wall-clock, or ``cpu_p50_ms``)."""
    return {
        name: round(timings[page][measure] / timings[base][measure], 2)
        for name, (page, base) in ratios.items()
    }


def _summary(results: dict[str, Any], ratios: dict[str, float], load: float | None) -> dict:
    """The last line's figures: the ratios first (they hold on a busy machine), then the
    query counts and the milliseconds."""
    timings = results["timings"]
    return {
        **ratios,
        **_ratios(timings, ratios=LOWER_BOUNDS),
        "queries_caseload_10": timings["caseload_10"]["queries"],
        "queries_caseload_500": timings["caseload_500"]["queries"],
        "queries_overview": timings["overview"]["queries"],
        "queries_overview_all": timings["overview_all"]["queries"],
        "caseload_10_p50_ms": timings["caseload_10"]["p50_ms"],
        "caseload_500_p50_ms": timings["caseload_500"]["p50_ms"],
        "caseload_500_floor_p50_ms": timings["caseload_500_floor"]["p50_ms"],
        "overview_p50_ms": timings["overview"]["p50_ms"],
        "overview_floor_p50_ms": timings["overview_floor"]["p50_ms"],
        "overview_all_p50_ms": timings["overview_all"]["p50_ms"],
        "overview_all_floor_p50_ms": timings["overview_all_floor"]["p50_ms"],
        "queries_clinic_flares_year": timings["clinic_flares_year"]["queries"],
        "clinic_flares_year_p50_ms": timings["clinic_flares_year"]["p50_ms"],
        "clinic_flares_year_floor_p50_ms": timings["clinic_flares_year_floor"]["p50_ms"],
        "entry_save_p50_ms": timings["entry_save"]["p50_ms"],
        "trivial_p50_ms": timings["trivial"]["p50_ms"],
        "cpu_p50_ms": {name: row["cpu_p50_ms"] for name, row in timings.items()},
        # The same ratios from this process's CPU time: steadier when the machine is busy.
        "cpu_vs_floor": _ratios(timings, "cpu_p50_ms")
        | _ratios(timings, "cpu_p50_ms", ratios=LOWER_BOUNDS),
        "load_average_1min": load,
        "patients": results["patients"],
        "entries": results["entries"],
        "build_and_measure_s": results["build_and_measure_s"],
        "debug": settings.DEBUG,
        "machine": {
            "nproc": os.cpu_count(),
            "cpu": _cpu_model(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "django": django.get_version(),
        },
    }
