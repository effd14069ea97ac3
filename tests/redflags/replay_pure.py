"""A pure, in-memory replay of a clinical-safety case (spec.md section 10).

This is the test oracle the Django ``replay_case`` command is checked against: same case
format, same output. It holds all state in memory and calls the same pure engine the services
call, so the vignettes also check the engine without a database. The app never uses it: the
command must go through the real services.

Semantics followed (section 6 and section 5, "Precise semantics"):

* day N is ``DAY_ZERO + N`` days; an entry without ``time`` is at 12:00 (UTC here, which is
  fine because only the order within a day matters);
* each day: entries in time order, ties in file order, then exercise logs in time order; then
  the daily sweep (R13, R14, R11 escalation), from day 0 through the last day with an entry,
  log or session;
* saving an entry runs R1-R9, R12 and R11 detection; saving a log runs R10;
* one alert per rule: a later finding of the same rule adds evidence to the open alert; the
  alert's day is the day it opened and its severity is the highest seen;
* entry-session links: ``before_session``/``after_session`` to the session on the same day,
  ``next_morning`` to the session on the day before (the later one in file order if several).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from redflags.engine.baseline import daily_pains, pre_session_pain
from redflags.engine.domain import (
    ENTRY_ANSWER_FIELDS,
    RULE_IDS,
    DayPain,
    Entry,
    ExerciseLog,
    Finding,
    Intake,
    PlanItem,
    Session,
    severity_rank,
)
from redflags.engine.flare import FlareEpisode, detect_flares, flare_needs_escalation
from redflags.engine.params import RuleParams
from redflags.engine.rules.evaluate import evaluate_day_end, evaluate_entry, evaluate_exercise_log
from redflags.engine.rules.patterns import r11_escalation_finding, r11_flare_finding

#: Any fixed date will do; a Monday keeps weekday-based reasoning easy to follow.
DAY_ZERO = date(2026, 1, 5)
DEFAULT_TIME = "12:00"


def _day(number: int) -> date:
    return DAY_ZERO + timedelta(days=number)


def _at(day: date, clock: str | None) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock or DEFAULT_TIME), tzinfo=UTC)


@dataclass
class _Alert:
    rule: str
    severity: str
    day: int
    findings: list[Finding] = field(default_factory=list)


@dataclass
class _State:
    intake: Intake
    sessions: list[Session]
    plan_items: list[PlanItem]
    params: RuleParams
    entries: list[Entry] = field(default_factory=list)
    logs: list[ExerciseLog] = field(default_factory=list)
    alerts: dict[str, _Alert] = field(default_factory=dict)
    announced_flare_starts: set[date] = field(default_factory=set)

    def raise_findings(self, findings: list[Finding], day: date) -> None:
        for finding in findings:
            alert = self.alerts.get(finding.rule)
            if alert is None:
                number = (day - DAY_ZERO).days
                self.alerts[finding.rule] = _Alert(finding.rule, finding.severity, number)
                alert = self.alerts[finding.rule]
            elif severity_rank(finding.severity) > severity_rank(alert.severity):
                alert.severity = finding.severity
            alert.findings.append(finding)

    def day_pains(self) -> list[DayPain]:
        return daily_pains(self.entries)

    def flares(self) -> list[FlareEpisode]:
        return detect_flares(self.day_pains(), self.intake.baseline_pain, self.params)


def _session_for(context: str, day: date, sessions: list[Session]) -> Session | None:
    if context in ("before_session", "after_session"):
        session_day = day
    elif context == "next_morning":
        session_day = day - timedelta(days=1)
    else:
        return None
    linked = [s for s in sessions if s.day == session_day]
    return linked[-1] if linked else None


def _post_session_pains(entries: list[Entry], sessions: list[Session]) -> list[tuple[Session, int]]:
    """Section 2: the highest ``pain_worst`` among a session's ``after_session`` entries."""
    highest: dict[int, int] = {}
    for entry in entries:
        if entry.context == "after_session" and entry.session_id is not None:
            highest[entry.session_id] = max(highest.get(entry.session_id, 0), entry.pain_worst)
    with_pain = [(s, highest[s.id]) for s in sessions if s.id in highest]
    return sorted(with_pain, key=lambda pair: pair[0].day)


def _save_entry(state: _State, entry: Entry) -> None:
    params = state.params
    earlier = list(state.entries)
    state.entries.append(entry)
    day_pains = state.day_pains()

    pre_pain = None
    if entry.context == "next_morning" and entry.session_id is not None:
        session = next(s for s in state.sessions if s.id == entry.session_id)
        linked = [e for e in earlier if e.session_id == session.id]
        pre_pain = pre_session_pain(
            linked, session.day, day_pains, state.intake.baseline_pain, params
        )

    findings = evaluate_entry(
        entry,
        intake=state.intake,
        earlier_entries=earlier,
        day_pains=day_pains,
        sessions_post_pain=_post_session_pains(state.entries, state.sessions),
        pre_session_pain=pre_pain,
        r12_already_fired="R12" in state.alerts,
        params=params,
    )
    state.raise_findings(findings, entry.day)

    if params.is_enabled("R11"):
        for episode in state.flares():
            if episode.start in state.announced_flare_starts:
                continue
            state.announced_flare_starts.add(episode.start)
            evidence = [
                e.id
                for e in state.entries
                if e.id is not None and episode.start <= e.day <= episode.detected_on
            ]
            state.raise_findings([r11_flare_finding(episode, evidence)], entry.day)


def _save_log(state: _State, log: ExerciseLog) -> None:
    findings = evaluate_exercise_log(log, earlier_logs=list(state.logs), params=state.params)
    state.logs.append(log)
    state.raise_findings(findings, log.day)


def _sweep(state: _State, day: date) -> None:
    params = state.params
    plan_keys = {item.exercise_key for item in state.plan_items}
    log_counts: dict[date, int] = defaultdict(int)
    for log in state.logs:
        if log.exercise_key in plan_keys:
            log_counts[log.day] += 1
    entry_days = {e.day for e in state.entries}
    findings = evaluate_day_end(
        day,
        sessions=state.sessions,
        entry_days=entry_days,
        plan_items=state.plan_items,
        log_counts=log_counts,
        first_entry_day=min(entry_days) if entry_days else None,
        day_pains=state.day_pains(),
        params=params,
    )
    if params.is_enabled("R11"):
        for episode in state.flares():
            if flare_needs_escalation(episode, day, params):
                evidence = [
                    e.id for e in state.entries if e.id is not None and e.day >= episode.start
                ]
                findings.append(r11_escalation_finding(episode, day, evidence))
    state.raise_findings(findings, day)


def _build_entry(index: int, raw: dict[str, Any], sessions: list[Session]) -> Entry:
    day = _day(raw["day"])
    session = _session_for(raw["context"], day, sessions)
    return Entry(
        id=index + 1,
        day=day,
        recorded_at=_at(day, raw.get("time")),
        session_id=session.id if session else None,
        **{name: raw[name] for name in ENTRY_ANSWER_FIELDS if name in raw},
    )


def simulate_case(case: dict[str, Any], params: RuleParams | None = None) -> dict[str, Any]:
    """Replay one case (section 6) and return ``{"id", "alerts", "flares"}`` as the Django
    ``replay_case`` command prints it. Alerts are sorted by day then rule number."""
    params = params or RuleParams()
    raw_intake = case["intake"]
    intake = Intake(
        baseline_pain=raw_intake["baseline_pain"],
        baseline_regions=frozenset(raw_intake.get("baseline_regions", ())),
        cancer_history=raw_intake.get("cancer_history", False),
        diabetes=raw_intake.get("diabetes", False),
    )
    sessions = [
        Session(id=index + 1, day=_day(raw["day"]), interventions=raw.get("interventions", ()))
        for index, raw in enumerate(case.get("sessions", []))
    ]
    plan_items = [
        PlanItem(
            exercise_key=raw["exercise"],
            # Section 6 leaves dosage defaults open; once a day, every day is the plain reading.
            times_per_day=raw.get("times_per_day", 1),
            days_per_week=raw.get("days_per_week", 7),
            start_day=_day(raw.get("start_day", 0)),
            end_day=_day(raw["end_day"]) if raw.get("end_day") is not None else None,
        )
        for raw in case.get("plan", [])
    ]
    entries = [_build_entry(i, raw, sessions) for i, raw in enumerate(case.get("entries", []))]
    logs = [
        (
            ExerciseLog(
                id=index + 1,
                day=_day(raw["day"]),
                exercise_key=raw["exercise"],
                pain_during=raw["pain_during"],
            ),
            _at(_day(raw["day"]), raw.get("time")),
        )
        for index, raw in enumerate(case.get("exercise_logs", []))
    ]

    state = _State(intake=intake, sessions=sessions, plan_items=plan_items, params=params)
    all_days = [e.day for e in entries] + [log.day for log, _ in logs] + [s.day for s in sessions]
    if all_days:
        last_day = max(all_days)
        entries_by_day: dict[date, list[Entry]] = defaultdict(list)
        for entry in entries:
            entries_by_day[entry.day].append(entry)
        logs_by_day: dict[date, list[tuple[ExerciseLog, datetime]]] = defaultdict(list)
        for log, at in logs:
            logs_by_day[log.day].append((log, at))

        # Day 0 is where the sweep starts; anything logged earlier is still saved first.
        day = min([DAY_ZERO, *all_days])
        while day <= last_day:
            # sorted() is stable, so entries at the same time keep their file order.
            for entry in sorted(entries_by_day[day], key=lambda e: e.recorded_at):
                _save_entry(state, entry)
            for log, _ in sorted(logs_by_day[day], key=lambda pair: pair[1]):
                _save_log(state, log)
            if day >= DAY_ZERO:
                _sweep(state, day)
            day += timedelta(days=1)

    alerts = sorted(state.alerts.values(), key=lambda a: (a.day, RULE_IDS.index(a.rule)))
    return {
        "id": case["id"],
        "alerts": [{"rule": a.rule, "severity": a.severity, "day": a.day} for a in alerts],
        "flares": [
            {
                "start_day": (episode.start - DAY_ZERO).days,
                "end_day": None if episode.end is None else (episode.end - DAY_ZERO).days,
            }
            for episode in state.flares()
        ],
    }
