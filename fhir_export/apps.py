from django.apps import AppConfig


class FhirExportConfig(AppConfig):
    name = "fhir_export"
    verbose_name = "FHIR export"
