"""How often the assistant takes a question for what it is: its intent rules on questions labelled by kind.

eval/question-kinds-{dev,test}.jsonl hold 607 questions (split by a hash of each question before anyone read them: the development half may be read, the test half only scored) written by a helper who read documents and never the rules, 60+ per
kind, many wordings each, on topics of its own (eval/question-kinds.README.md says how boundary cases were
labelled). The intent is the one the question is understood to ask before anything is searched (`Assistant.understand`), so a
comparison naming places the collection lacks still counts as understood when it is taken for a comparison.

    python eval/tools/kinds.py [--set eval/question-kinds-test.jsonl] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assistant import answering  # noqa: E402
from assistant.config import Config  # noqa: E402
from assistant.service import Assistant  # noqa: E402
from assistant.textnorm import fold  # noqa: E402


def understood_kind(assistant: Assistant, question: str) -> str:
    if answering.is_conversation(fold(question)):
        return "conversation"
    return assistant.understand(question).intent.value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=ROOT / "eval" / "question-kinds-test.jsonl")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    items = [json.loads(line) for line in args.set.read_text(encoding="utf-8").splitlines() if line.strip()]
    assistant = Assistant.open(Config.from_env(), progress=False)
    asked, right, confused = Counter(), Counter(), Counter()
    for item in items:
        got = understood_kind(assistant, item["question"])
        asked[item["kind"]] += 1
        right[item["kind"]] += got == item["kind"]
        if got != item["kind"]:
            confused[f"{item['kind']} -> {got}"] += 1
    figures = {"items": len(items), "understood": round(sum(right.values()) / len(items), 3),
               "by_kind": {k: round(right[k] / asked[k], 3) for k in asked}, "confused": dict(confused.most_common(10))}
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
        return
    print(f"{len(items)} labelled questions: kind understood {figures['understood']:.3f}")
    for kind in asked:
        print(f"  {kind:16} {right[kind]:3}/{asked[kind]:3}  {figures['by_kind'][kind]:.3f}")
    print("most confused:", ", ".join(f"{k} ({n})" for k, n in confused.most_common(6)))


if __name__ == "__main__":
    main()
