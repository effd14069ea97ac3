"""The note of a clinic's first rule-set version in plain words (issue 12): the rule-set page
shows it, and it named a document of the developers."""

from django.db import migrations

OLD = "Defaults of CLINICAL.md section 5"
NEW = "The recommended starting values"


def plain(apps, schema_editor):
    apps.get_model("redflags", "RuleSetVersion").objects.filter(note=OLD).update(note=NEW)


def back(apps, schema_editor):
    apps.get_model("redflags", "RuleSetVersion").objects.filter(note=NEW).update(note=OLD)


class Migration(migrations.Migration):
    dependencies = [("redflags", "0006_text_max_length_validators")]

    operations = [migrations.RunPython(plain, back)]
