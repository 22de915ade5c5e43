"""The usual tutorial RAG pipeline, scored on the evaluation set, for comparison with the assistant.

500-character RecursiveCharacterTextSplitter over the raw files, the same e5 model (passage/query
prompts), FAISS top-5, always answering. A hit is a chunk of the expected file overlapping the
expected clause, as in `python -m assistant eval`.

    python bench/tutorial_baseline.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Config  # noqa: E402
from assistant.corpus import corpus_files, decode, load_document  # noqa: E402
from assistant.embedding import Embedder, load_model  # noqa: E402
from assistant.eval import expected_spans, load_set  # noqa: E402


def chunks_of(config: Config) -> list[tuple[str, int, int, str]]:
    """(source, start, end, text) of 500-character chunks, with the splitter's default separators."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50, add_start_index=True)
    out = []
    for path in corpus_files(config.corpus_dir):
        text = decode(path.read_bytes(), path.name)
        for doc in splitter.create_documents([text]):
            start = doc.metadata["start_index"]
            out.append((path.name, start, start + len(doc.page_content), doc.page_content))
    return out


def main() -> int:
    import faiss

    config = Config.from_env()
    embedder = Embedder(load_model(config.model, config.cache_dir, progress=False))
    chunks = chunks_of(config)
    vectors = embedder.encode_passages([c[3] for c in chunks])
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    parsed = {path.name: load_document(path) for path in corpus_files(config.corpus_dir)}
    documents = {name: p.document for name, p in parsed.items()}

    def outline(source: str):
        return parsed[source].clauses if source in parsed else ()

    items = load_set(ROOT / "eval" / "questions.jsonl")
    answerable = [it for it in items if it.expects_clauses]  # the pool of hit@k in `python -m assistant eval`
    ranks = []
    for it in answerable:
        query = " ".join([*it.history, it.question])  # tutorials paste the conversation in
        _, rows = index.search(embedder.encode_query(query).reshape(1, -1), 5)
        wanted = [(exp.source, span) for exp, spans in expected_spans(it, outline, documents).items() for span in spans]
        rank = next((r for r, row in enumerate(rows[0], 1)
                     if any(chunks[row][0] == src and chunks[row][1] < end and start < chunks[row][2]
                            for src, (start, end) in wanted)), None)
        ranks.append(rank)
    hit1 = np.mean([r == 1 for r in ranks])
    hit5 = np.mean([r is not None for r in ranks])
    print(f"tutorial pipeline ({len(chunks)} chunks of ≤500 chars): hit@1 {hit1:.3f}  hit@5 {hit5:.3f}  "
          f"on {len(answerable)} answerable questions; refusals 0 of {sum(it.unanswerable for it in items)} unanswerable")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
