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
from assistant.index import build_index  # noqa: E402
from assistant.service import Assistant, open_embedder  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cold_start(question: str) -> float:
    """Seconds from launching the CLI to its answer, index already built (a new process each time)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant", "ask", "-q", question], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - started


SERVING_SCRIPT = """
import resource, sys, time
from assistant.config import Config
from assistant.service import Assistant
started = time.perf_counter()
assistant = Assistant.open(Config.from_env(), progress=False)
assistant.ask(sys.argv[1])
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'torch' in sys.modules)
"""


def serving_process(question: str) -> tuple[float, float, bool]:
    """(seconds to open and answer, peak RSS MB, whether torch was imported) of a new process that
    answers as `serve` does, the index built and the encoder prepared."""
    out = subprocess.run([sys.executable, "-c", SERVING_SCRIPT, question], cwd=ROOT, check=True, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout.split()
    return float(out[0]), float(out[1]), out[2] == "True"


def build_throughput(config: Config, embedder) -> tuple[int, float]:
    """(clause parts, index build seconds) with the configured encoder."""
    with tempfile.TemporaryDirectory() as tmp:
        target = config.override(index_dir=Path(tmp) / "index")
        started = time.perf_counter()
        index, embedded = build_index(target, lambda: embedder, progress=False)
        return embedded, time.perf_counter() - started


ENCODE_SCRIPT = """
import sys, time
from assistant.config import Config
from assistant.index.build import _load_corpus, passage_text
config = Config.from_env()
documents, clauses, _, _ = _load_corpus(config)
texts = [passage_text(documents[c.source], c) for c in clauses]
kind, batch = sys.argv[1], int(sys.argv[2])
if kind == "torch":
    from assistant.embedding import Embedder, load_model
    embedder = Embedder(load_model(config.model, config.cache_dir, progress=False))
else:
    from assistant.model_prep import encoder_folder
    from assistant.onnx_encoder import OnnxEmbedder
    embedder = OnnxEmbedder(encoder_folder(config.base_model_id, config.cache_dir), kind)
started = time.perf_counter()
embedder.encode_passages(texts, batch_size=batch)
print(time.perf_counter() - started)
"""
ENCODERS = [("torch fp32, batch 32 (before this encoder)", "torch", 32), ("torch fp32, batch 8", "torch", 8),
            ("ONNX Runtime fp32, batch 8 (--encoder onnx)", "fp32", 8),
            ("ONNX Runtime int8, batch 8 (--encoder onnx-int8, default)", "int8", 8)]


def encoder_throughput() -> list[tuple[str, float]]:
    """(encoder, seconds) to embed the corpus's clause parts, raw, each encoder in a process of its own
    (torch's idle threads keep spinning for a while after it encodes, and would slow the next one)."""
    timed = []
    for name, kind, batch in ENCODERS:
        out = subprocess.run([sys.executable, "-c", ENCODE_SCRIPT, kind, str(batch)], cwd=ROOT, check=True,
                             capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
        timed.append((name, float(out.split()[-1])))
    return timed


def pdf_throughput(config: Config, embedder) -> tuple[int, int, float, float, float] | None:
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


def legacy_throughput() -> tuple[str, str]:
    """.doc and .xls files through LibreOffice (the real library's, a cold conversion cache), as a build converts them."""
    from assistant.ingest.convert import soffice

    name = "LibreOffice conversion (.doc/.xls of tests/fixtures/real-library, cold cache)"
    if soffice() is None:
        return name, "not measured (LibreOffice is not installed)"
    sys.path.insert(0, str(ROOT / "bench"))
    from library import conversion_throughput

    saved = os.environ.get("PLAN_CACHE")
    with tempfile.TemporaryDirectory() as tmp:
        files, seconds = conversion_throughput(ROOT / "tests" / "fixtures" / "real-library", Path(tmp))
    if saved is None:
        os.environ.pop("PLAN_CACHE", None)
    else:
        os.environ["PLAN_CACHE"] = saved
    return name, f"{files} files in {seconds:.1f} s = {files / seconds:.2f} files/s (bench/library.py: the whole folder)"


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

    question = "2022年孕产妇死亡率的目标是多少？"
    cold = cold_start(question)
    serving_seconds, serving_mb, serving_torch = serving_process(question)
    started = time.perf_counter()
    embedder = open_embedder(config, progress=False)
    model_load = time.perf_counter() - started
    parts, build_seconds = build_throughput(config, embedder)
    encoders = encoder_throughput()
    pdf = None if args.no_pdf else pdf_throughput(config, embedder)
    legacy = legacy_throughput()
    assistant = Assistant.open(config, progress=False)
    assistant.warm_up()
    latencies = warm_latency(assistant, questions, args.rounds)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = [
        ("cold start to first answer (CLI `ask`, index built)", f"{cold:.1f} s"),
        ("serving process: open + first answer", f"{serving_seconds:.1f} s, peak RSS {serving_mb:.0f} MB, "
                                                 f"torch {'imported' if serving_torch else 'not imported'}"),
        (f"encoder load ({config.encoder}, in process)", f"{model_load:.1f} s"),
        (f"index build, {parts} clause parts ({config.encoder})", f"{build_seconds:.1f} s = {parts / build_seconds:.1f} clauses/s"),
        *((f"raw encode: {name}", f"{seconds:.1f} s = {parts / seconds:.1f} passages/s "
                                  f"({encoders[0][1] / seconds:.2f}x the first)") for name, seconds in encoders),
        *_pdf_rows(pdf),
        legacy,
        (f"warm query latency ({len(latencies)} questions)", f"p50 {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms"),
        ("peak RSS (this process: torch and ONNX models + index + builds)", f"{peak_mb:.0f} MB"),
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
