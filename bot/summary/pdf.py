"""The summary as a PDF, made by WeasyPrint from the same HTML as the page (bot/summary/html.py), so
the page and the PDF never disagree.

The PDF is tagged as PDF/UA-1 (a structure tree, the language and the title from the HTML), so that
screen readers read it in order. Nothing is fetched: the HTML carries its own styles, and the URL
fetcher refuses every URL. WeasyPrint is imported when a PDF is made, so that a machine without its
system libraries (Pango) still imports this module; any failure becomes a SummaryPdfError.
"""

from __future__ import annotations


class SummaryPdfError(RuntimeError):
    """The PDF could not be made (WeasyPrint missing or the rendering failed)."""


def render_pdf(html: str) -> bytes:
    try:
        from weasyprint import HTML, URLFetcher
    except (ImportError, OSError) as error:  # OSError: WeasyPrint's system libraries are missing
        raise SummaryPdfError(f"WeasyPrint cannot be loaded: {type(error).__name__}") from error
    try:
        document = HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=()))
        # The PDF/UA-1 variant turns on pdf_tags (the structure tree, /MarkInfo) and writes its XMP.
        pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
        return pdf
    except Exception as error:
        raise SummaryPdfError(f"the PDF could not be rendered: {type(error).__name__}") from error
