"""The red-flag rules (spec.md section 8), as pure functions over ``engine.domain`` data.

One function per rule takes exactly the plain data it needs and returns a ``Finding`` or None:
``screening`` holds the emergency and urgent signs screened on every entry (R1-R7),
``patterns`` the trend and pattern rules (R8-R12), ``day_end`` the daily sweep's rules (R13,
R14). ``registry`` lists R1-R14 with when each runs, and ``evaluate`` bundles them by trigger
(section 5, "Which rules run when"):

* ``evaluate_entry`` when a symptom entry is saved: R1-R9 and R12 (R11 detection uses
  ``flare.detect_flares`` and ``r11_flare_finding``);
* ``evaluate_exercise_log`` when an exercise log is saved: R10;
* ``evaluate_day_end`` in the daily sweep: R13 and R14 (the R11 escalation uses
  ``flare.flare_needs_escalation`` and ``r11_escalation_finding``).

Whether a finding opens an alert or adds evidence to an open one is the service's business.
"""
