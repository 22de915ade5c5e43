"""Time the local llama.cpp server on a real prompt: start-up, time to first token, tokens per second.

    .venv/bin/python bench/llm_server.py [--threads 1,2] [--runs 3] [--max-tokens 128]

The prompt is the one the assistant would send for a figure question about sample plan 000, with three of
its target clauses. Each streamed delta of llama-cpp-python's server is one token, so deltas are counted.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.corpus import load_document  # noqa: E402
from assistant.generation.check import check  # noqa: E402
from assistant.generation.client import stream_chat  # noqa: E402
from assistant.generation.local_server import running_server  # noqa: E402
from assistant.generation.prompt import build_messages, check_sources  # noqa: E402
from assistant.models import Citation  # noqa: E402

QUESTION = "2022年孕产妇死亡率和婴儿死亡率的目标是多少？"


def citations() -> list[Citation]:
    parsed = load_document(ROOT / "corpus" / "000_a7ee23972fa017a8.txt")
    by_label = {c.label: c for c in parsed.clauses}
    return [Citation(by_label[label], parsed.document.title, 0.9) for label in ("一（三）", "一（六）", "一（一）")]


def one_run(base_url: str, model: str, messages, max_tokens: int) -> tuple[float, float, int, str]:
    started = time.monotonic()
    first = None
    deltas: list[str] = []
    for delta in stream_chat(base_url, model, messages, max_tokens=max_tokens, timeout=300, idle_timeout=120):
        first = first if first is not None else time.monotonic() - started
        deltas.append(delta)
    return first or 0.0, time.monotonic() - started, len(deltas), "".join(deltas)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", default="2", help="comma-separated --n_threads values to compare")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()
    cited = citations()
    messages = build_messages(QUESTION, cited)
    sources = check_sources(cited)
    print(f"prompt: {sum(len(m['content']) for m in messages)} characters")
    for threads in (int(t) for t in args.threads.split(",")):
        started = time.monotonic()
        with running_server(threads=threads, progress=lambda _: None) as server:
            ready = time.monotonic() - started
            runs = [one_run(server.base_url, server.model, messages, args.max_tokens) for _ in range(args.runs)]
        firsts = [r[0] for r in runs]
        rates = [(r[2] - 1) / (r[1] - r[0]) for r in runs if r[2] > 1 and r[1] > r[0]]
        print(f"threads {threads}: ready {ready:.1f} s; first token median {statistics.median(firsts):.2f} s; "
              f"{statistics.median(rates) if rates else 0:.1f} tokens/s; tokens {[r[2] for r in runs]}")
        checked = check(runs[-1][3], sources)
        print(f"  last answer: {runs[-1][3]!r}\n  kept {len(checked.kept)}, dropped "
              f"{[d.reason for d in checked.dropped]}, fell back {checked.fell_back}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
