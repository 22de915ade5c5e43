"""PDF fixtures for tests/test_ingest_pdf.py, made with real tools (no mocks).

* `print_pdfs` prints text documents to A4 PDFs with headless Chromium (Playwright `page.pdf()`), one
  `<p>` per line of the source, with a running header and a page-number footer, in house styles
  (web-like: spaced paragraphs; government-like: no spacing, 2-character first-line indent, justified;
  plain: neither), so the vertical-gap, indent and line-end rules of the re-flow are each exercised.
* `image_pdf` turns one rendered page into an image-only PDF (a "scan") with Pillow.
* `encrypted_pdf` and `many_pages_pdf` write small bad inputs with fpdf2.

Never runs `playwright install`: it uses the system Chromium.
"""
from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Two house styles. Web pages print with spaced paragraphs; official documents (公文) print with no
# spacing, a two-character first-line indent and justified lines.
STYLES = {
    "web": "p { margin: 0 0 0.7em; text-indent: 0; text-align: left; line-height: 1.5; }",
    "gov": "p { margin: 0; text-indent: 2em; text-align: justify; line-height: 1.8; }",
    # No spacing and no indent: only where lines end tells paragraphs apart (a stress test).
    "plain": "p { margin: 0; text-indent: 0; text-align: left; line-height: 1.5; }",
}
# Page-number footers as Chinese documents write them; Chromium fills the spans.
FOOTERS = [
    "- <span class='pageNumber'></span> -",
    "第<span class='pageNumber'></span>页",
    "<span class='pageNumber'></span>/<span class='totalPages'></span>",
    "<span class='pageNumber'></span>",
]
_SMALL = "font-size:9px; width:100%; text-align:center; font-family:'Noto Sans CJK SC','Noto Sans CJK TC',sans-serif;"


@dataclass(frozen=True)
class Printed:
    source: Path  # the .txt/.md it was printed from
    pdf: Path
    style: str


def cjk_font_installed() -> bool:
    """Whether fontconfig knows a Chinese font (Debian: fonts-noto-cjk); without one Chromium prints boxes."""
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    return bool(out.strip())


def to_html(text: str, style: str, traditional: bool = False) -> str:
    """One `<p>` per line; Markdown headings become centred `<h1>`/`<h2>` (no '#', as a printed law reads)."""
    family = "'Noto Serif CJK TC'" if traditional else "'Noto Serif CJK SC'"
    body = []
    for line in text.splitlines():
        if line.strip().startswith("<!--"):
            continue  # a Markdown comment is not printed
        md = re.match(r"^(#{1,6})\s+(.*)$", line.strip())
        if md:
            level = min(len(md.group(1)), 2)
            body.append(f"<h{level}>{html.escape(md.group(2).strip())}</h{level}>")
        else:
            body.append(f"<p>{html.escape(line)}</p>")
    return (
        f"<!doctype html><html lang='{'zh-TW' if traditional else 'zh-CN'}'><head><meta charset='utf-8'><style>"
        f"body {{ font-family: {family}, serif; font-size: 16px; margin: 0; }}"
        "p { white-space: pre-wrap; } h1 { font-size: 22px; text-align: center; } "
        "h2 { font-size: 18px; text-align: center; }"
        f"{STYLES[style]}</style></head><body>{''.join(body)}</body></html>"
    )


def print_pdfs(sources: list[Path], out_dir: Path, styles: tuple[str, ...] = ("web", "gov")) -> list[Printed]:
    """Print each source to `out_dir/<stem>.pdf` in one Chromium session; styles and footers alternate."""
    from playwright.sync_api import sync_playwright

    printed = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            for i, source in enumerate(sources):
                style = styles[i % len(styles)]
                traditional = source.name.startswith("001")
                page.set_content(to_html(source.read_text(encoding="utf-8"), style, traditional))
                target = out_dir / (source.stem + ".pdf")
                page.pdf(
                    path=str(target),
                    format="A4",
                    display_header_footer=True,
                    header_template=f"<div style=\"{_SMALL}\">{html.escape(source.stem[:12])} · 样本</div>",
                    footer_template=f"<div style=\"{_SMALL}\">{FOOTERS[i % len(FOOTERS)]}</div>",
                    margin={"top": "25mm", "bottom": "25mm", "left": "22mm", "right": "22mm"},
                )
                printed.append(Printed(source, target, style))
        finally:
            browser.close()
    return printed


def single_page(pdf: bytes, index: int) -> bytes:
    """Page `index` (0-based) of a PDF as a PDF of its own, text layer kept."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(pdf)
    out = pdfium.PdfDocument.new()
    try:
        out.import_pages(src, [index])
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        out.close()
        src.close()


def image_pdf(pdf: bytes, index: int, dpi: int = 200) -> bytes:
    """Page `index` (-1: the last) rendered at `dpi`, a typical office scan, and wrapped as an image-only
    PDF: no text layer."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[index % len(doc)].render(scale=dpi / 72).to_pil().convert("L")  # scanners save greyscale
    finally:
        doc.close()
    buf = io.BytesIO()
    image.save(buf, "PDF", resolution=dpi)
    return buf.getvalue()


def encrypted_pdf(user_password: str = "secret") -> bytes:
    """A one-page PDF that needs a password to open (fpdf2's RC4 encryption)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password=user_password)
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Confidential plan")
    return bytes(pdf.output())


def many_pages_pdf(count: int) -> bytes:
    """`count` tiny pages with a few characters each: quick to write, quick to refuse."""
    from fpdf import FPDF

    pdf = FPDF(format=(50, 50))
    pdf.set_font("helvetica", size=8)
    for n in range(count):
        pdf.add_page()
        pdf.cell(text=f"page {n + 1}")
    return bytes(pdf.output())
