"""``manage.py flush``, which also empties the audit log on SQLite (audit/append_only.py).

Django's flush empties every table: TRUNCATE on PostgreSQL, which the append-only trigger lets
through (it needs the table owner's rights), DELETE on SQLite, which the append-only triggers
refuse. This command lifts SQLite's triggers for the length of the flush and puts them back;
everything else is Django's flush, unchanged. The test runner flushes between transactional
tests with it.
"""

from django.core.management.commands import flush

from audit.append_only import triggers_lifted


class Command(flush.Command):
    def handle(self, **options):
        with triggers_lifted(options["database"]):
            return super().handle(**options)
