"""How well the readers read the real library, against ground truth written by reading the files as a person does
(eval/real-library-reading.json: title, issuer, 文号, date, the numbered items of one section, every row of one table).

    python bench/reading.py [--library tests/fixtures/real-library] [--truth eval/real-library-reading.json]

Per format: files read; titles, issuers, 文号 and dates right (a null in the truth is right when nothing was found);
section labels right (the truth's item numbers found in order among the clause labels' last components under that
heading); table rows kept as rows (one line of the text holds the row's cells in order, and names the column
headers when the table has a header row).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.corpus import load_document  # noqa: E402
from assistant.ingest import extract  # noqa: E402


def squash(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def same(found: str | None, truth: str | None) -> bool:
    """Equal up to whitespace, width and a draft mark (the truth keeps 征求意见稿 as a flag of its own)."""
    draft = re.compile(r"[（(]?征求意见稿[）)]?$")
    return draft.sub("", squash(found)) == draft.sub("", squash(truth))


def labels_right(clauses, section: dict) -> bool:
    """The section's numbered items, in order, each opening a clause (or heading) under the section's heading."""
    heading = squash(section["heading"])
    under: list[str] = []
    for c in clauses:
        top = next((i for i, part in enumerate(c.path) if squash(part).startswith(heading[:10])), None)
        if top is not None:  # under the heading, wherever it stands ('附件5 › 三、审查关注点')
            for part in c.path[top + 1:]:
                if not under or under[-1] != squash(part):
                    under.append(squash(part))
    at = 0
    for label in (squash(label) for label in section["labels"]):
        at = next((i + 1 for i in range(at, len(under)) if under[i].startswith(label)), -1)
        if at < 0:
            return False
    return True


def row_kept(lines: list[str], header: list[str], row: list[str]) -> bool:
    cells = [squash(c) for c in row if squash(c)]
    names = [squash(h) for h in header if squash(h)]
    for line in lines:
        flat, at = squash(line), 0
        for cell in cells:
            at = flat.find(cell, at)
            if at < 0:
                break
            at += len(cell)
        else:
            if not names or sum(n in flat for n in names) >= min(2, len(names), len(cells)):  # a row of one value names one header
                return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, default=ROOT / "tests" / "fixtures" / "real-library")
    parser.add_argument("--truth", type=Path, default=ROOT / "eval" / "real-library-reading.json")
    args = parser.parse_args()
    tally: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for truth in json.loads(args.truth.read_text(encoding="utf-8")):
        path = args.library / truth["file"]
        kind = "scan" if "扫描件" in path.name else path.suffix.lower()
        t = tally[kind]
        t["files read"][1] += 1
        start = time.perf_counter()
        try:
            parsed = load_document(path, truth["file"])
            text = extract(truth["file"], path.read_bytes()).text
        except Exception as exc:  # noqa: BLE001 - counted as not read, and said
            print(f"not read: {truth['file']}: {exc}", file=sys.stderr)
            continue
        t["files read"][0] += 1
        doc = parsed.document
        for field in ("title", "issuer", "doc_number", "date"):
            t[field][0] += same(getattr(doc, field), truth.get(field))
            t[field][1] += 1
            if field == "title" and not same(doc.title, truth["title"]):
                print(f"title: {truth['file']}: {doc.title!r} (truth {truth['title']!r})", file=sys.stderr)
        if truth.get("section"):
            t["section labels"][0] += labels_right(list(parsed.clauses), truth["section"])
            t["section labels"][1] += 1
        if truth.get("table"):
            lines = text.splitlines()
            rows = truth["table"]["rows"]
            t["table rows"][0] += sum(row_kept(lines, truth["table"]["header"], r) for r in rows)
            t["table rows"][1] += len(rows)
        t["seconds"][0] += round((time.perf_counter() - start) * 1000)
    names = ["files read", "title", "issuer", "doc_number", "date", "section labels", "table rows"]
    print(f"{'format':8} " + " ".join(f"{n:>15}" for n in names))
    total = defaultdict(lambda: [0, 0])
    for kind, t in sorted(tally.items()):
        print(f"{kind:8} " + " ".join(f"{t[n][0]:>9}/{t[n][1]:<5}" for n in names))
        for n in names:
            total[n][0] += t[n][0]
            total[n][1] += t[n][1]
    print(f"{'all':8} " + " ".join(f"{total[n][0]:>9}/{total[n][1]:<5}" for n in names))


if __name__ == "__main__":
    main()
