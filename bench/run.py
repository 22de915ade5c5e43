"""Performance figures on this machine: build throughput, query latency, memory, cold start.

    python bench/run.py [--questions eval/questions.jsonl] [--rounds 1] [--no-pdf]

Prints a table on stdout. Builds into a temporary index folder, so the real index is untouched.
PDF throughput: the corpus and the regulations of tests/fixtures printed to PDF by Chromium (as the
PDF tests print them), then read and indexed; one page of them as an image-only scan, read by OCR.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Config  # noqa: E402
from assistant.embedding import Embedder, load_model  # noqa: E402
from assistant.index import _load_corpus, build_index, passage_text  # noqa: E402
from assistant.service import Assistant  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cold_start(question: str) -> float:
    """Seconds from launching the CLI to its answer, index already built (a new process each time)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant", "ask", "-q", question], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - started


def build_throughput(config: Config, embedder: Embedder) -> tuple[int, float, float]:
    """(clause parts, index build seconds, raw encode seconds on the same texts)."""
    with tempfile.TemporaryDirectory() as tmp:
        target = config.override(index_dir=Path(tmp) / "index")
        started = time.perf_counter()
        index, embedded = build_index(target, lambda: embedder, progress=False)
        build_seconds = time.perf_counter() - started
    documents, clauses, _, _ = _load_corpus(config)
    texts = [passage_text(documents[c.source], c) for c in clauses]
    started = time.perf_counter()
    embedder.model.encode(texts, batch_size=32, prompt_name="document", normalize_embeddings=True)
    return embedded, build_seconds, time.perf_counter() - started


def pdf_throughput(config: Config, embedder: Embedder) -> tuple[int, int, float, float, float] | None:
    """(pages, clause parts, text-layer read seconds, index build seconds, OCR seconds of one scanned
    page) for the documents printed to PDF; None without Chromium and a Chinese font."""
    sys.path.insert(0, str(ROOT / "tests"))
    import pdf_fixtures as fx

    from assistant.ingest.pdf import PdfReader

    if not os.path.exists(fx.CHROMIUM) or not fx.cjk_font_installed():
        return None
    regulations = sorted(p for p in (ROOT / "tests" / "fixtures" / "regulations").glob("*.md") if p.name != "README.md")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        printed = fx.print_pdfs(sorted(Path(config.corpus_dir).glob("*.txt")) + regulations, corpus)
        reader = PdfReader(ocr=False)
        started = time.perf_counter()
        pages = sum(len(reader.extract(p.pdf.name, p.pdf.read_bytes()).pages) for p in printed)
        read_seconds = time.perf_counter() - started
        target = config.override(corpus_dir=corpus, index_dir=Path(tmp) / "index")
        started = time.perf_counter()
        index, _ = build_index(target, lambda: embedder, progress=False)
        build_seconds = time.perf_counter() - started
        scan = fx.image_pdf(printed[0].pdf.read_bytes(), 0)
        started = time.perf_counter()
        PdfReader().extract("scan.pdf", scan)
        ocr_seconds = time.perf_counter() - started
    return pages, len(index.clauses), read_seconds, build_seconds, ocr_seconds


def warm_latency(assistant: Assistant, questions: list[dict], rounds: int) -> list[float]:
    """ms per question, asked as in a conversation: its earlier turns are asked first (not timed),
    and nothing any other question left in the query cache is reused."""
    timings = []
    for _ in range(rounds):
        for item in questions:
            history = item.get("history") or []
            assistant.retriever.embedder.clear_query_cache()
            for n, turn in enumerate(history):
                assistant.ask(turn, history[:n])
            started = time.perf_counter()
            assistant.ask(item["question"], history)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    parser.add_argument("--rounds", type=int, default=1, help="times to ask every question (warm latency)")
    parser.add_argument("--no-pdf", action="store_true", help="skip printing and indexing PDFs")
    args = parser.parse_args()
    config = Config.from_env()
    questions = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]

    cold = cold_start("2022年孕产妇死亡率的目标是多少？")
    started = time.perf_counter()
    embedder = Embedder(load_model(config.model, config.cache_dir, progress=False))
    model_load = time.perf_counter() - started
    parts, build_seconds, encode_seconds = build_throughput(config, embedder)
    pdf = None if args.no_pdf else pdf_throughput(config, embedder)
    assistant = Assistant.open(config, progress=False)
    assistant.warm_up()
    latencies = warm_latency(assistant, questions, args.rounds)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = [
        ("cold start to first answer (CLI, index built)", f"{cold:.1f} s"),
        ("model load (in process)", f"{model_load:.1f} s"),
        ("index build, 5 documents", f"{parts} clause parts in {build_seconds:.1f} s = {parts / build_seconds:.1f} clauses/s"),
        ("raw SentenceTransformer.encode, same texts", f"{encode_seconds:.1f} s = {parts / encode_seconds:.1f} passages/s"),
        *_pdf_rows(pdf),
        (f"warm query latency ({len(latencies)} questions)", f"p50 {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms"),
        ("peak RSS (this process: model + index + build)", f"{peak_mb:.0f} MB"),
        ("machine", f"{os.cpu_count()} cores, torch threads {__import__('torch').get_num_threads()}"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0


def _pdf_rows(pdf) -> list[tuple[str, str]]:
    if pdf is None:
        return [("PDF indexing", "not measured (--no-pdf, or no Chromium with a Chinese font to print PDFs)")]
    pages, clauses, read_seconds, build_seconds, ocr_seconds = pdf
    return [
        ("PDF text layer read (printed corpus + regulations)", f"{pages} pages in {read_seconds:.1f} s = {pages / read_seconds:.1f} pages/s"),
        ("PDF index build (read + parse + embed)", f"{pages} pages, {clauses} clause parts in {build_seconds:.1f} s = "
                                                  f"{pages / build_seconds:.2f} pages/s, {clauses / build_seconds:.1f} clauses/s"),
        ("scanned PDF page (OCR, 200 dpi)", f"{ocr_seconds:.1f} s/page"),
    ]


if __name__ == "__main__":
    raise SystemExit(main())
