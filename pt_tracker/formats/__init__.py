"""Date formats per language (settings.FORMAT_MODULE_PATH), on top of Django's own.

Besides Django's standard names, each language names the few formats the pages use, so that a
template writes `{{ day|date:"DAY_MONTH_FORMAT" }}` and reads "26 November" in English and
"26 de noviembre" in Spanish. Only new names are defined here: Django's DATE_FORMAT and the
rest keep their defaults for each language.
"""
