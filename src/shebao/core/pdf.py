"""Building PDFs with real, embedded Chinese text (reportlab + the shipped CJK TrueType font).

The shipped font (WenQuanYi Micro Hei) covers Chinese, Latin letters, digits and punctuation, so
phone numbers, dates and case numbers print in the same embedded font as the Chinese text.

Every PDF of the system (一次性告知单, 受理回执, 不予受理通知, monthly report) is made from the
same few blocks so that they look alike and all embed the font.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape

import qrcode
from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

FONT = "ShebaoCJK"


@lru_cache(maxsize=1)
def register_font() -> str:
    path = settings.SHEBAO_PDF_FONT
    # A .ttc collection holds several faces; the first is the regular one.
    font = TTFont(FONT, path, subfontIndex=0) if path.lower().endswith(".ttc") else TTFont(FONT, path)
    pdfmetrics.registerFont(font)
    return FONT


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    font = register_font()
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=17, leading=24, alignment=TA_CENTER, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10, alignment=TA_CENTER, textColor=colors.grey),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=19, spaceBefore=8, spaceAfter=4),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12, textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13),
    }


def para(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), styles()[style])


def qr_image(url: str, size_mm: float = 28) -> Image:
    img = qrcode.make(url, border=1)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    return Image(buf, width=size_mm * mm, height=size_mm * mm)


def table(rows: list[list[str]], col_widths: list[float] | None = None, header: bool = True) -> Table:
    data = [[para(c, "cell") if not isinstance(c, Flowable) else c for c in row] for row in rows]
    t = Table(data, colWidths=[w * mm for w in col_widths] if col_widths else None, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF6")))
    t.setStyle(TableStyle(style))
    return t


@dataclass
class PdfDocument:
    """A one-column A4 document; add flowables, then ``render()`` to bytes."""

    title: str
    subtitle: str = ""
    flowables: list = field(default_factory=list)

    def heading(self, text: str) -> PdfDocument:
        self.flowables.append(para(text, "h2"))
        return self

    def text(self, text: str, style: str = "body") -> PdfDocument:
        self.flowables.append(para(text, style))
        return self

    def add(self, flowable) -> PdfDocument:
        self.flowables.append(flowable)
        return self

    def space(self, height_mm: float = 4) -> PdfDocument:
        self.flowables.append(Spacer(1, height_mm * mm))
        return self

    def render(self) -> bytes:
        buf = io.BytesIO()
        doc = SimpleDocTemplate(
            buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
            title=self.title, author="社保办事通",
        )
        story = [para(self.title, "title")]
        if self.subtitle:
            story.append(para(self.subtitle, "subtitle"))
        story.append(Spacer(1, 4 * mm))
        story.extend(self.flowables)

        def footer(canvas, doc_):
            canvas.saveState()
            canvas.setFont(register_font(), 8)
            canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"第 {doc_.page} 页")
            canvas.restoreState()

        doc.build(story, onFirstPage=footer, onLaterPages=footer)
        return buf.getvalue()
