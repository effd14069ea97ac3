"""The clinician dashboard's own arithmetic: risk order, current pain, session response, the
flare-up summary, time to acknowledgement, alert ages and frequencies (issue 5).

Pure: plain values in, frozen dataclasses out, no ORM, so every figure is checked against a
hand-computed fixture in milliseconds (tests/dashboard/test_summaries.py). The clinical
definitions are CLINICAL.md's and come from ``redflags.baseline`` and ``redflags.flare``
(baseline, meaningful rise and fall, pre-session pain, the flare's session link); nothing here
re-implements them. Choices CLINICAL.md leaves open are written up in
docs/clinical-decisions.md, "Clinician dashboard".

    risk       the caseload's risk order, not logging, a patient's most serious alert
    pain       current pain against the baseline, its direction, the baseline band
    responses  flare-ups, each session's response and the flare-up summary
    clinic     the clinic view: time to acknowledgement and the ages of open alerts
    tallies    the long chart's weeks, day frequencies and screening answers over time
"""
