"""The pure red-flag engine (spec.md sections 2-8): plain domain data, the rule-set
parameters, baseline and meaningful change, flare-up detection and reconciliation, and the rules
R1-R14.

Nothing here imports Django or any app, only the standard library and each other: the services
turn model rows into these frozen dataclasses, call the engine and store what it returns, so
every rule is tested in milliseconds without a database.
"""
