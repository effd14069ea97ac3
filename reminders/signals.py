"""Signals of reminders, for whoever watches the background work (ops records a heartbeat).

``scheduler_ran`` is sent at the end of every run of ``reminders_send_due``, whether anything
was due or not: (sender, now, counts). reminders knows nothing of who listens.
"""

from django.dispatch import Signal

scheduler_ran = Signal()
