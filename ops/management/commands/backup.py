"""``python manage.py backup --out FILE``: a consistent backup of the database while the
application runs, and FILE.manifest.json beside it (ops/backup.py; docs/operations.md,
"Backups"). SQLite: a copy of the database file; PostgreSQL: pg_dump's custom format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup, manifest_path


class Command(BaseCommand):
    help = "Back up the database (consistent while the app runs) with a manifest of its tables."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="The backup file to write.")
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, out: Path, database: str, **options):
        try:
            sums = backup(out, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(table.rows for table in sums.values())
        self.stdout.write(
            f"Backed up {len(sums)} tables ({rows} rows) to {out} "
            f"({out.stat().st_size} bytes); manifest {manifest_path(out)}."
        )
