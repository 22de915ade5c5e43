"""PDF reading measured on real files: pages/s, paragraphs cut at a printed line end, tables.

    python bench/pdf_pages.py DIR [--sources TXTDIR]

DIR holds PDFs (e.g. Word files printed by LibreOffice). With --sources, a folder of the same files
saved as UTF-8 text by LibreOffice (`soffice --convert-to "txt:Text (encoded):UTF8"`): one paragraph
per line, the ground truth. Every paragraph break the reader makes is looked up there by the 8
characters on each side of it (spaces removed): found with a break between them, it is right;
found without one, the reader cut a paragraph at a printed line end ("false break"). Breaks whose
context is not found once (tables, headers, numbering Word writes itself) are not counted.
Also printed: paragraphs that end mid-sentence (a character or a comma, 20+ characters long) and
table rows (lines naming their columns, `表头：值；…`).
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.ingest.pdf import PdfReader  # noqa: E402
from assistant.parser import match_marker  # noqa: E402

CONTEXT = 8
_ROW = re.compile(r"^[^：；\s]{1,20}：[^；]*(；[^：；\s]{1,20}：[^；]*)+$")


def squash(text: str) -> str:
    return re.sub(r"[ \t\u3000\xa0\ufeff]+", "", text)


def breaks(pdf_text: str, source: str) -> tuple[int, int, list[str]]:
    """(right breaks, false breaks, examples of false ones)."""
    truth = squash(re.sub(r"\n+", "¶", source))
    flat = squash(pdf_text)
    right = false = 0
    examples = []
    for m in re.finditer("\n", flat):
        before, after = flat[max(0, m.start() - CONTEXT):m.start()], flat[m.end():m.end() + CONTEXT]
        if "\n" in before or "\n" in after or len(before) < CONTEXT or len(after) < CONTEXT:
            continue
        if truth.count(before + "¶" + after) == 1:
            right += 1
        elif truth.count(before + after) == 1:
            false += 1
            examples.append(f"{before}⏎{after}")
    return right, false, examples


def mid_sentence_ends(text: str) -> int:
    paras = [p.strip() for p in text.split("\n")]
    count = 0
    for p, nxt in zip(paras, paras[1:]):
        if len(p) >= 20 and p[-1] not in "。！？!?；;：:…）)”’」』》】〕" and nxt and match_marker(nxt) is None and not _ROW.match(p):
            count += 1
    return count


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path)
    ap.add_argument("--sources", type=Path)
    ap.add_argument("-v", action="store_true", help="print the false breaks")
    args = ap.parse_args()
    reader = PdfReader(ocr=False)
    total_pages = total_time = 0.0
    sums = [0, 0, 0, 0]
    for pdf in sorted(args.dir.glob("*.pdf")):
        data = pdf.read_bytes()
        t = time.perf_counter()
        extracted = reader.extract(pdf.name, data)
        dt = time.perf_counter() - t
        pages = len(extracted.pages)
        total_pages += pages
        total_time += dt
        rows = sum(1 for line in extracted.text.split("\n") if _ROW.match(line.strip()))
        mid = mid_sentence_ends(extracted.text)
        right = false = 0
        src = args.sources / (pdf.stem + ".txt") if args.sources else None
        if src and src.exists():
            right, false, examples = breaks(extracted.text, src.read_text(encoding="utf-8-sig"))
            if args.v:
                for ex in examples:
                    print("   ", ex)
        for i, v in enumerate((mid, right, false, rows)):
            sums[i] += v
        print(f"{pages:3d} p {pages / dt:6.1f} p/s  mid-sentence ends {mid:3d}  breaks right {right:4d} false {false:3d}"
              f"  table rows {rows:3d}  {pdf.name[:40]}")
    print(f"all: {total_pages:.0f} pages in {total_time:.2f} s = {total_pages / max(total_time, 1e-9):.1f} pages/s; "
          f"mid-sentence ends {sums[0]}, breaks right {sums[1]} false {sums[2]}, table rows {sums[3]}")


if __name__ == "__main__":
    main()
