"""`indicators --score GOLD`: extraction run over the gold file's documents through the normal readers, scored.

Gold sources are `seeds/<file>` (the sample plans, `corpus/<file>`) and `plans/<excerpt>.txt` (a text excerpt,
beside the gold file, of a public PDF in tests/fixtures/indicator-plans/, named in that folder's SOURCES.md). The
PDF is what the assistant reads, so a plan is extracted from its PDF and only the stretch the excerpt covers is
scored.
"""
from __future__ import annotations

import re
from pathlib import Path

from assistant.config import PROJECT_ROOT
from assistant.corpus import load_document
from assistant.targets.extract import extract
from assistant.targets.score import Score, load_gold, region, score

PLANS = PROJECT_ROOT / "tests" / "fixtures" / "indicator-plans"


def plan_files(plans: Path = PLANS) -> dict[str, str]:
    """Excerpt name -> PDF name, from the table of SOURCES.md."""
    found = {}
    for line in (plans / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        names = re.findall(r"`([^`]+)`", line)
        txt = next((n for n in names if n.endswith(".txt") and "/" not in n), None)
        pdf = next((n for n in names if n.endswith(".pdf")), None)
        if txt and pdf:
            found[txt] = pdf.rsplit("/", 1)[-1]
    return found


def run(gold_path: Path, corpus: Path = PROJECT_ROOT / "corpus", plans: Path = PLANS) -> Score:
    gold = load_gold(gold_path)
    pdfs = plan_files(plans)
    documents, extracted = {}, {}
    for source in sorted({g.source for g in gold}):
        kind, _, name = source.partition("/")
        if kind == "seeds":
            parsed = load_document(corpus / name, name)
            records = extract(parsed.document, parsed.clauses)
        elif kind == "plans" and name in pdfs:
            parsed = load_document(plans / pdfs[name], pdfs[name])
            lo, hi = region(parsed.document, (gold_path.parent / name).read_text(encoding="utf-8"))
            records = [t for t in extract(parsed.document, parsed.clauses) if lo <= t.start and t.end <= hi]
        else:
            raise ValueError(f"{gold_path.name}: unknown source {source!r} (seeds/<file> or plans/<excerpt>.txt "
                             f"named in {plans / 'SOURCES.md'})")
        documents[source], extracted[source] = parsed.document, records
    return score(gold, extracted, documents, by_evidence=lambda s: s.startswith("seeds/"))
