"""Would a learned answerability check beat the hand rules? Measured with the embedding model already loaded.

    python bench/learned_check.py

For every look-up-like item of eval/questions.jsonl (lookup, figure, paraphrase, cross_script,
followup, unanswerable) the assistant answers as usual; then the question and the quoted sentence
are encoded with e5 and their cosine is taken. Printed per half (odd = calibration, even = held out):
how well that cosine separates answerable from unanswerable items (ROC AUC), next to the fused
retrieval score, and — among the items the rules let through — how many unanswerable ones a
threshold would still catch and how many answerable ones it would wrongly refuse.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Config  # noqa: E402
from assistant.service import Assistant  # noqa: E402
from assistant.textnorm import compact, fold  # noqa: E402

KINDS = {"lookup", "figure", "paraphrase", "cross_script", "unanswerable", "followup"}
THRESHOLDS = (0.80, 0.82, 0.84, 0.86, 0.88)


def auc(pos: list[float], neg: list[float]) -> float | None:
    if not pos or not neg:
        return None
    return float(np.mean([1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg]))


def main() -> int:
    assistant = Assistant.open(Config.from_env(), progress=False)
    embedder = assistant.retriever.embedder
    rows = []  # (id number, unanswerable, found, sentence cosine, fused score)
    for line in (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["kind"] not in KINDS:
            continue
        answer = assistant.ask(item["question"], item["history"])
        quoted = [c for c in answer.citations if c.quotes] or list(answer.citations)
        if not quoted:
            continue
        cite = quoted[0]
        text = assistant.documents[cite.source].text
        sentence = compact(text[cite.quotes[0][0]: cite.quotes[-1][1]]) if cite.quotes else compact(cite.clause.text)
        question = embedder.encode_query(fold(answer.effective_question))
        passage = embedder.encode_passages([fold(sentence)], show_progress=False)[0]
        rows.append((int(item["id"][1:]), item["unanswerable"], answer.found, float(np.dot(question, passage)),
                     float(cite.score)))
    for parity, name in ((1, "odd (calibration)"), (0, "even (held out)")):
        half = [r for r in rows if r[0] % 2 == parity]
        pos, neg = [r for r in half if not r[1]], [r for r in half if r[1]]
        print(f"{name}: {len(pos)} answerable, {len(neg)} unanswerable; AUC sentence cosine "
              f"{auc([r[3] for r in pos], [r[3] for r in neg]):.3f}, fused score {auc([r[4] for r in pos], [r[4] for r in neg]):.3f}")
        let_through = [r for r in half if r[2]]
        ok, wrong = [r[3] for r in let_through if not r[1]], [r[3] for r in let_through if r[1]]
        print(f"  answered by the rules: {len(ok)} answerable, {len(wrong)} unanswerable")
        for t in THRESHOLDS:
            print(f"  cosine < {t:.2f}: would also refuse {sum(x < t for x in wrong)} unanswerable, "
                  f"{sum(x < t for x in ok)} answerable")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
