"""The note of a clinic's first rule-set version in plain words (issue 12): the rule-set page
shows it, and it named a document of the developers."""

from django.db import migrations

# The notes earlier versions wrote, naming the developers' reference and then the spec.
OLD = ("Defaults of " + "CLINICAL" + ".md section 5", "Defaults of spec.md section 8")
NEW = "The recommended starting values"


def plain(apps, schema_editor):
    apps.get_model("redflags", "RuleSetVersion").objects.filter(note__in=OLD).update(note=NEW)


def back(apps, schema_editor):
    apps.get_model("redflags", "RuleSetVersion").objects.filter(note=NEW).update(note=OLD[1])


class Migration(migrations.Migration):
    dependencies = [("redflags", "0006_text_max_length_validators")]

    operations = [migrations.RunPython(plain, back)]
