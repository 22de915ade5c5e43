"""The original PDF page beside the extracted text, the cited passage marked on it."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from assistant.ingest.pages import page_png, snippets
from assistant.ingest.pdf import PdfReader
from assistant.parser import parse_document

ROOT = Path(__file__).resolve().parent.parent


def test_snippets_are_each_paragraphs_ends():
    assert snippets("（一）工作目标。到2025年，\n全区签约率 达到85%。\n\n") == [
        ("（一）工作目标。到2", "目标。到2025年，"), ("全区签约率达到85%", "区签约率达到85%。")]


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    from pdf_fixtures import cjk_font_installed, print_pdfs

    if not cjk_font_installed():
        pytest.skip("no CJK font: printed PDFs would have no Chinese text layer")
    out = tmp_path_factory.mktemp("pages")
    return print_pdfs([ROOT / "corpus" / "003_0200143d345726b6.txt"], out)[0].pdf


def test_a_clause_is_marked_on_its_page(printed):
    from PIL import Image

    data = printed.read_bytes()
    extracted = PdfReader().extract(printed.name, data)
    parsed = parse_document(printed.name, extracted.text, pages=extracted.pages)
    clause = next(c for c in parsed.clauses if c.label == "二（二）4")
    page = parsed.document.page_at(clause.start)
    plain = Image.open(io.BytesIO(page_png(printed.name, data, page))).convert("RGB")
    marked = Image.open(io.BytesIO(page_png(printed.name, data, page, clause.text))).convert("RGB")
    assert plain.size == marked.size and plain.size[0] > 700
    before, after = np.asarray(plain, dtype=np.int16), np.asarray(marked, dtype=np.int16)
    changed = int((before != after).any(axis=2).sum())
    assert changed > 0.01 * plain.size[0] * plain.size[1]  # a band of lines is tinted
    r, g, b = after[..., 0], after[..., 1], after[..., 2]
    yellowish = int(((r > 240) & (g > 220) & (b < 200)).sum())
    assert yellowish > 1000


def test_a_page_that_does_not_exist_is_a_one_line_error(printed):
    from assistant.ingest import CorpusError

    with pytest.raises(CorpusError, match="has no page 99"):
        page_png(printed.name, printed.read_bytes(), 99)
