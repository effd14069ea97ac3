"""HTML to PDF with WeasyPrint (Pango and Debian's fonts; no browser). The report's stylesheet
is read from the static files; the document itself may fetch nothing but data: URLs, so no
text in a report can make the server request anything."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

PDF_STYLESHEET = "css/report.css"


def html_to_pdf(html: str) -> bytes:
    path = finders.find(PDF_STYLESHEET)
    if not path:
        raise FileNotFoundError(PDF_STYLESHEET)
    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[CSS(filename=path)])
