"""The certificate as a PDF, drawn on the server with fpdf2 and the PDF standard fonts
(Helvetica, Times): nothing is read from disk or the network, and the same certificate always
gives the same bytes."""

from __future__ import annotations

from django.utils import timezone
from fpdf import FPDF

from certificates.models import Certificate


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_creation_date(certificate.issued_at)
    pdf.set_title(f"Certificate: {certificate.course_title}")
    pdf.set_author("SRM Trainer")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    width, height = pdf.w, pdf.h
    pdf.set_draw_color(35, 47, 62)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, width - 28, height - 28)

    def line(text: str, *, family="Helvetica", style="", size=14, gap=10, color=(35, 47, 62)):
        pdf.set_font(family, style, size)
        while size > 10 and pdf.get_string_width(text) > width - 40:  # a long name shrinks
            size -= 1
            pdf.set_font(family, style, size)
        pdf.set_text_color(*color)
        pdf.cell(0, gap, text, align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(38)
    line("SRM Trainer", style="B", size=13, color=(90, 100, 110))
    line("Certificate of completion", family="Times", style="B", size=34, gap=22)
    pdf.ln(4)
    line("This certifies that", size=14)
    line(certificate.name, family="Times", style="BI", size=30, gap=20)
    line("has completed the course", size=14)
    line(certificate.course_title, style="B", size=18, gap=14)
    issued = timezone.localtime(certificate.issued_at)  # the date the pages show
    line(f"on {issued.day} {issued:%B %Y}", size=14)
    pdf.set_y(height - 42)
    line("Check this certificate at", size=10, gap=6, color=(90, 100, 110))
    line(verify_url, family="Courier", size=10, gap=6)
    return bytes(pdf.output())
