"""``python manage.py replay_case [--check] FILE...`` (docs/clinical/spec.md, section 10).

Loads each case into a throw-away clinic through the same services the forms use (nothing is
left in the database), runs the daily sweep at the end of each day, and prints one JSON line
per case. With ``--check`` it compares each case with its ``expect``, prints every difference
naming the case and the item, ends with a verdict line such as ``7 of 7 cases pass`` (a file
that cannot be read counts as a case that does not pass), and exits non-zero if any case
differs or cannot be read.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Clinic
from care.replay.run import replay_case
from redflags.replay_format import CaseError, load_case_file


class Command(BaseCommand):
    help = "Replay clinical-safety cases against the rule set; --check compares with expect."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="Case files (JSON).")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compare with each case's expect; exit 1 on a difference.",
        )
        parser.add_argument(
            "--clinic",
            type=int,
            help="Use this clinic's current rule set and time zone instead of the defaults.",
        )

    def handle(self, *args, files, check=False, clinic=None, **options):
        source = None
        if clinic is not None:
            source = Clinic.objects.filter(pk=clinic).first()
            if source is None:
                raise CommandError(f"There is no clinic with id {clinic}.")
        problems = []
        passed = 0
        for path in files:
            try:
                case = load_case_file(path)
                result = replay_case(case, check=check, clinic=source)
            except CaseError as error:
                self.stderr.write(f"error: {error}")
                problems.append(str(error))
                continue
            self.stdout.write(result.as_json())
            for difference in result.differences:
                self.stderr.write(f"difference: {difference}")
            problems.extend(result.differences)
            if result.passed:
                passed += 1
        if check:
            self.stdout.write(f"{passed} of {len(files)} cases pass")
        if problems:
            raise CommandError(
                f"{len(problems)} problem(s) in {len(files)} case file(s), listed above."
            )
