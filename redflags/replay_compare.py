"""Comparing a replay with the case's ``expect`` (spec.md section 10): the same set of
rule/severity/day alerts and the same flares, each difference said in one sentence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .engine.domain import RULE_IDS


def _alert_key(alert: Mapping[str, Any]) -> tuple[int, int, str]:
    return (alert["day"], RULE_IDS.index(alert["rule"]), alert["severity"])


def _show_alert(alert: Mapping[str, Any]) -> str:
    return f"{alert['rule']} {alert['severity']} on day {alert['day']}"


def _show_flare(flare: Mapping[str, Any]) -> str:
    end = "still open" if flare["end_day"] is None else f"ending day {flare['end_day']}"
    return f"flare starting day {flare['start_day']}, {end}"


def compare(
    case_id: str, expect: Mapping[str, Any], alerts: list[dict], flares: list[dict]
) -> list[str]:
    """Differences between a replay and its ``expect`` (section 6: the same set of
    rule/severity/day alerts; the same flares sorted by start), one sentence each."""
    differences = []
    wanted = {(a["rule"], a["severity"], a["day"]) for a in expect.get("alerts", [])}
    got = {(a["rule"], a["severity"], a["day"]) for a in alerts}
    as_dict = lambda key: {"rule": key[0], "severity": key[1], "day": key[2]}  # noqa: E731
    for key in sorted(wanted - got, key=lambda k: _alert_key(as_dict(k))):
        differences.append(f"{case_id}: expected alert {_show_alert(as_dict(key))} was not raised")
    for key in sorted(got - wanted, key=lambda k: _alert_key(as_dict(k))):
        differences.append(f"{case_id}: unexpected alert {_show_alert(as_dict(key))}")

    wanted_flares = sorted(
        ({"start_day": f["start_day"], "end_day": f["end_day"]} for f in expect.get("flares", [])),
        key=lambda f: f["start_day"],
    )
    if wanted_flares != flares:
        wanted_set = {(f["start_day"], f["end_day"]) for f in wanted_flares}
        got_set = {(f["start_day"], f["end_day"]) for f in flares}
        for start, end in sorted(wanted_set - got_set):
            differences.append(
                f"{case_id}: expected {_show_flare({'start_day': start, 'end_day': end})} "
                "was not found"
            )
        for start, end in sorted(got_set - wanted_set):
            differences.append(
                f"{case_id}: unexpected {_show_flare({'start_day': start, 'end_day': end})}"
            )
        if wanted_set == got_set:
            differences.append(f"{case_id}: flares repeat or are out of order")
    return differences
