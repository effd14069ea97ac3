"""``python manage.py restore FILE``: load a backup made by ``manage.py backup`` into an empty
database (it refuses one with any table), then check every table against the backup's manifest
(ops/backup.py; docs/operations.md, "Restore drill")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, manifest_path, restore


class Command(BaseCommand):
    help = "Restore a backup into an empty database and check it against the backup's manifest."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file (from manage.py backup).")
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, file: Path, database: str, **options):
        if not file.is_file():
            raise CommandError(f"There is no backup file at {file}.")
        try:
            restore(file, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        checked = (
            "checked against its manifest"
            if manifest_path(file).exists()
            else ("NOT checked: no manifest beside it")
        )
        self.stdout.write(f"Restored {file}; every table {checked}.")
