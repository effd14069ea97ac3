"""HTML to PDF with WeasyPrint (Pango and Debian's fonts; no browser). The report's stylesheet
is read from the static files; the document itself may fetch nothing but data: URLs, so no
text in a report can make the server request anything."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

#: The report's own styles, and the charts' (the same file the pages use).
PDF_STYLESHEETS = ("css/report.css", "css/charts.css")


def _stylesheet(name: str) -> CSS:
    path = finders.find(name)
    if not path:
        raise FileNotFoundError(name)
    return CSS(filename=path)


def html_to_pdf(html: str) -> bytes:
    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[_stylesheet(name) for name in PDF_STYLESHEETS]
    )
