"""Turn a batch of questions written blind (from the documents alone) into an evaluation set, and split it.

The writer saw only the files: each item names its file and copies the answering passage (`evidence`), never a
clause label (labels are the reader's, which the writer must not see). The split is fixed before anyone reads
an item: by a hash of the id, half into a development set (read, used to find classes of failure) and half
into a test set (only scored; its per-kind figures are reported, never its items).

    python eval/tools/blind_set.py RAW.jsonl --dev eval/real-library-dev.jsonl --test eval/real-library-test.jsonl
"""
from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path


def convert(raw: dict) -> dict:
    sources = raw.get("source") or []
    sources = [sources] if isinstance(sources, str) else list(sources)
    evidence = list(raw.get("evidence") or [])
    if len(sources) == 1 and len(evidence) > 1:  # an outline: every part of one document
        sources = sources * len(evidence)
    expected = [{"source": s, "evidence": e} for s, e in zip(sources, evidence)]
    item = {"id": raw["id"], "kind": raw["kind"], "question": raw["question"], "history": raw.get("history") or [],
            "expected": [] if raw.get("unanswerable") else expected,
            "keys": [] if raw.get("unanswerable") else list(raw.get("keys") or []),
            "unanswerable": bool(raw.get("unanswerable")), "where": raw.get("where") or "text"}
    if "named" in raw:  # whether the question names its document or place (staff among hundreds often do not)
        item["named"] = bool(raw["named"])
    return item


def in_test_half(item_id: str) -> bool:
    return hashlib.sha256(item_id.encode()).digest()[0] % 2 == 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path)
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--test", type=Path, required=True)
    args = parser.parse_args()
    items = [convert(json.loads(line)) for line in args.raw.read_text(encoding="utf-8").splitlines() if line.strip()]
    halves = {False: [], True: []}
    for item in items:
        halves[in_test_half(item["id"])].append(item)
    for path, half in ((args.dev, halves[False]), (args.test, halves[True])):
        path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in half), encoding="utf-8")
        kinds: dict[str, int] = {}
        for i in half:
            kinds[i["kind"]] = kinds.get(i["kind"], 0) + 1
        print(f"{path}: {len(half)} items {dict(sorted(kinds.items()))}")


if __name__ == "__main__":
    main()
