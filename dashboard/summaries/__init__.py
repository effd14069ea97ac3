"""The clinician dashboard's own arithmetic: risk order, current pain, session response, the
flare-up summary, time to acknowledgement, alert ages and frequencies (issue 5).

Pure: plain values in, frozen dataclasses out, no ORM, so every figure is checked against a
hand-computed fixture in milliseconds (tests/dashboard/test_summaries.py). The clinical
definitions are the clinical spec's and come from ``redflags.engine.baseline`` and
``redflags.engine.flare`` (baseline, meaningful rise and fall, pre-session pain, the flare's
session link); nothing here re-implements them. Choices the spec's source leaves open are in
docs/clinical/spec.md, section 11.9 "Clinician dashboard".

    risk       the caseload's risk order, not logging, a patient's most serious alert
    pain       current pain against the baseline, its direction, the baseline band
    responses  flare-ups, each session's response and the flare-up summary
    clinic     the clinic view: time to acknowledgement and the ages of open alerts
    tallies    the long chart's weeks, day frequencies and screening answers over time
"""
