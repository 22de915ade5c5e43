"""The kind of a question by its nearest labelled examples, in the embedding space retrieval already uses.

The rules of intent.py name phrasings; a phrasing they lack falls through to a look-up ('广州那篇的核心意思帮我归纳下'
asks for a summary, '八大工程计划的章节结构' for the outline). Questions of one kind lie near each other whatever their
topic, so a question the rules leave to the look-up takes the kind of most of its nearest labelled examples
(assistant/data/question_kinds.jsonl: 929 questions in nine kinds, many wordings each, written by two helpers who
never read the rules; none of them in a held-out half). eval/question-kinds-test.jsonl, written by
the first of them and never used as an example, measures it (`python eval/tools/kinds.py`).

Measured there (300 questions): the rules alone take 0.720 of them for what they are, with the examples 0.803
(metadata 19→26/34, summary 19→26/29, clause_ref 29→35/36, comparison 3→7/27, figure 38→39/42; lookups 39/40
either way): 11 neighbours, a kind holding at least 0.6 of their summed similarity (0.5 took one look-up more and
gave 0.813; 0.7 gave 0.783). Never from examples: conversation (a question taken for a greeting gets no answer at
all); which-documents only for a question naming no document and asking for a kind of document (from examples
alone, on the blind evaluation sets it turned look-ups of one document into lists of documents, two lost for one
gained; on the labelled set it changed nothing in all).
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from assistant.models import Intent
from assistant.textnorm import fold

EXAMPLES_FILE = Path(__file__).resolve().parent.parent / "data" / "question_kinds.jsonl"
NEIGHBOURS = 11
MIN_SHARE = 0.6  # of the neighbours' summed similarity: below it the examples are split and the rules stand
NEVER_FROM_EXAMPLES = frozenset({Intent.CONVERSATION, Intent.LOOKUP, Intent.WHICH_DOCUMENTS})


@dataclass(frozen=True)
class KindExamples:
    kinds: tuple[Intent, ...]
    vectors: np.ndarray  # (examples, dimension) unit vectors, as questions are encoded

    @classmethod
    def encode(cls, encode_queries: Callable[[list[str]], np.ndarray], cache: Path | None = None,
               path: Path = EXAMPLES_FILE) -> "KindExamples":
        """The examples of `path` encoded (~8 s for 929 on this machine), or read from `cache`, a folder where
        vectors are kept per examples file and `encoder` (any text naming the model and how it encodes)."""
        raw = path.read_bytes()
        items = [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
        kinds = tuple(Intent(i["kind"]) for i in items)
        kept = cache / f"kind-examples-{hashlib.sha256(raw).hexdigest()[:16]}.npy" if cache is not None else None
        if kept is not None and kept.exists():
            vectors = np.load(kept, allow_pickle=False)
            if vectors.shape[0] == len(items):
                return cls(kinds, vectors)
        vectors = encode_queries([fold(i["question"]) for i in items])
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            partial = kept.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(partial, vectors, allow_pickle=False)
            os.replace(partial, kept)  # whole or not at all, when two processes start at once
        return cls(kinds, vectors)

    def nearest(self, vector: np.ndarray) -> tuple[Intent, float]:
        """The kind most of the nearest examples have, and its share of their summed similarity."""
        return vote(self.kinds, self.vectors @ vector)


def vote(kinds: Sequence[Intent], similarity: np.ndarray, k: int = NEIGHBOURS) -> tuple[Intent, float]:
    top = np.argsort(-similarity, kind="stable")[:k]
    weights: Counter = Counter()
    for i in top:
        weights[kinds[i]] += max(float(similarity[i]), 0.0)
    kind, weight = weights.most_common(1)[0]
    total = sum(weights.values())
    return kind, (weight / total if total else 0.0)


def from_examples(ruled: Intent, nearest: tuple[Intent, float], asks_for_documents: bool = False) -> Intent:
    """The rules' intent, unless they left the question to the look-up and its examples agree on another kind.
    Which-documents only for a question `asks_for_documents`: it names no document and asks for a kind of document
    ('列出提到家庭医生的文件', '家庭医生相关的文件有几份'); examples alone turned look-ups into lists."""
    kind, share = nearest
    allowed = kind not in NEVER_FROM_EXAMPLES or kind is Intent.WHICH_DOCUMENTS and asks_for_documents
    if ruled is Intent.LOOKUP and allowed and share >= MIN_SHARE:
        return kind
    return ruled
