"""Index and query figures at 10³, 10⁴ and 10⁵ clause parts, on real documents.

    python bench/scale.py [--sizes 1000,10000,100000] [--laws DIR_OR_GIT] [--rebuild] [--rounds 1] [--contended] [--incremental]

Each size's collection is the five plans, then the regulations of ../shared/scale-corpus, then (for the
largest) laws and regulations of the public LawRefBook/Laws repository (a git mirror or a checkout,
`--laws`), added whole, in a fixed order, until the collection has that many clause parts. Its
corpus and index live in ~/.cache/plan-assistant/scale/<size>/ and are reused: a size is built once
(its build figures are recorded beside it and printed again) unless --rebuild is given.

Per size: documents and clause parts; build time and clauses/s next to the raw encoder's
passages/s on a sample; index size on disk; in a new process as `serve` runs: time to open the
index, time to the first answer, RSS once warmed up as `serve` warms up (and its peak), whether torch was
imported; warm query p50/p95/max over the
evaluation questions, alone and with a build running beside it (--contended). Printed, not asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.chunking import split_long_clauses  # noqa: E402
from assistant.config import Config  # noqa: E402
from assistant.parser import parse_document  # noqa: E402

SCALE_CORPUS = ROOT.parent / "shared" / "scale-corpus"
DEFAULT_LAWS = Path("/work/.mirror/LawRefBook+Laws/repo")
PARTS_RECORD = "scale-build.json"


def law_files(source: Path) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every law in a LawRefBook/Laws checkout or bare mirror, in path order."""
    if (source / "HEAD").exists() and not (source / ".git").exists():  # a bare mirror: read it with git
        listing = subprocess.run(["git", "-C", str(source), "ls-tree", "-r", "-z", "--name-only", "HEAD"],
                                 capture_output=True, check=True).stdout.decode().split("\0")
        paths = sorted(p for p in listing if p.endswith(".md") and "/" in p and not p.endswith("_index.md"))
        return [(Path(p).name, subprocess.run(["git", "-C", str(source), "show", f"HEAD:{p}"], capture_output=True,
                                              check=True).stdout) for p in paths]
    return [(p.name, p.read_bytes()) for p in sorted(source.rglob("*.md")) if p.name != "_index.md" and p.parent != source]


def parts_of(name: str, data: bytes, max_chars: int) -> int:
    try:
        parsed = parse_document(name, data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return 0
    return len(split_long_clauses(parsed.clauses, max_chars))


def make_corpus(target: int, folder: Path, laws: Path | None, max_chars: int) -> tuple[int, int]:
    """Fill `folder` with documents until it holds `target` clause parts; (documents, parts)."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [(p.name, p.read_bytes()) for p in sorted((ROOT / "corpus").iterdir()) if p.is_file()]
    sources += [(p.name, p.read_bytes()) for p in sorted(SCALE_CORPUS.glob("*.md")) if p.name != "README.md"]
    taken, parts = {}, 0
    for pool in (sources, None):
        if pool is None:
            if parts >= target or laws is None:
                break
            print(f"reading laws from {laws} …", file=sys.stderr, flush=True)
            pool = law_files(laws)
        for name, data in pool:
            if parts >= target:
                break
            if name in taken:
                continue
            n = parts_of(name, data, max_chars)
            if n:
                taken[name], parts = data, parts + n
    for stray in folder.iterdir():
        if stray.name not in taken:
            stray.unlink()
    for name, data in taken.items():
        path = folder / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    return len(taken), parts


def build(config: Config, rebuild: bool) -> dict:
    """Build (or reuse) the size's index; the recorded figures of the build that made it."""
    record = Path(config.index_dir) / PARTS_RECORD
    if rebuild:
        shutil.rmtree(config.index_dir, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLAN_CORPUS": str(config.corpus_dir), "PLAN_INDEX": str(config.index_dir)}
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "assistant", "build"], cwd=ROOT, env=env, check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    seconds = time.perf_counter() - started
    embedded = int(out.rsplit("embedded", 1)[1].strip())
    parts = int(out.split(":", 1)[1].split("clause parts", 1)[0])
    if embedded == parts or not record.exists():  # a build from nothing (not one catching up with a changed file)
        record.write_text(json.dumps({"seconds": seconds, "embedded": embedded, "at": time.strftime("%Y-%m-%d %H:%M")}))
    return json.loads(record.read_text())


def incremental(config: Config) -> dict:
    """Seconds for `python -m assistant build` to bring the index up to date after one file (the middle one)
    changes, and after it is deleted, with how many parts each embedded; the file is put back after."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLAN_CORPUS": str(config.corpus_dir), "PLAN_INDEX": str(config.index_dir)}

    def timed_build() -> tuple[float, int]:
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "assistant", "build", "-q"], cwd=ROOT, env=env, check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        return time.perf_counter() - started, int(out.rsplit("embedded", 1)[1].strip())

    files = sorted(p for p in Path(config.corpus_dir).iterdir() if p.is_file())
    victim = files[len(files) // 2]
    original = victim.read_bytes()
    try:
        victim.write_bytes(original + "\n\n本文件为测试增量更新而修改。\n".encode("utf-8"))
        changed = timed_build()
        victim.unlink()
        deleted = timed_build()
    finally:
        victim.write_bytes(original)
        timed_build()
    return {"file": victim.name, "changed_s": changed[0], "changed_embedded": changed[1], "deleted_s": deleted[0]}


def disk_mb(index_dir: Path) -> float:
    manifest = json.loads((index_dir / "manifest.json").read_text())
    gen = index_dir / manifest["generation"]
    return sum(p.stat().st_size for p in gen.iterdir()) / 1e6


SERVING = """
import json, resource, statistics, sys, time
started = time.perf_counter()
from assistant.config import Config
from assistant.service import Assistant
assistant = Assistant.open(Config.from_env(), progress=False)
opened = time.perf_counter() - started
assistant.ask("2022年孕产妇死亡率的目标是多少？")
first = time.perf_counter() - started
assistant.warm_up()  # as serve does before it takes questions (jieba, pinyin, the English dictionary)
import psutil
questions = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
sys.path.insert(0, sys.argv[3])
from run import warm_latency  # bench/run.py's: each question as in a conversation
timings = sorted(warm_latency(assistant, questions, int(sys.argv[2])))
rss_mb = psutil.Process().memory_info().rss / 2**20  # before the recall check below reads every vector
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
import numpy as np
from assistant.vector_index import search_rows
index, hits, total = assistant.index, 0, 0
for item in questions[:100]:  # FAISS's top 10 against exact search over the stored vectors
    q = assistant.retriever.embedder.encode_query(item["question"]).reshape(1, -1)
    exact = set(np.argsort(-(index.vectors @ q[0]))[:10].tolist())
    hits += len(exact & set(search_rows(index.faiss_index, q, 10)[1].tolist()))
    total += 10
print(json.dumps({"recall": hits / total, "open": opened, "first": first, "p50": statistics.median(timings),
                  "p95": timings[round(0.95 * (len(timings) - 1))], "max": timings[-1],
                  "rss_mb": rss_mb, "peak_mb": peak_mb, "torch": "torch" in sys.modules}))
"""


def serving(config: Config, rounds: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLAN_CORPUS": str(config.corpus_dir), "PLAN_INDEX": str(config.index_dir)}
    out = subprocess.run([sys.executable, "-c", SERVING, str(ROOT / "eval" / "questions.jsonl"), str(rounds),
                          str(ROOT / "bench")], cwd=ROOT,
                         env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def contended(config: Config, rounds: int, scratch: Path) -> dict:
    """serving() while another process builds an index of the five plans from nothing, over and over."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    loop = ("import shutil, sys; from assistant.cli import main\n"
            "while True:\n    shutil.rmtree(sys.argv[1], ignore_errors=True); main(['build', '-q', '--index', sys.argv[1]])")
    builder = subprocess.Popen([sys.executable, "-c", loop, str(scratch)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(5)  # let it reach the embedding
        return serving(config, rounds)
    finally:
        builder.kill()
        shutil.rmtree(scratch, ignore_errors=True)


def encoder_rate(config: Config) -> float:
    """Raw passages/s of the configured encoder on 512 passages of the scale corpus (nothing else running)."""
    from assistant.index import passage_text
    from assistant.service import open_embedder

    texts = []
    for path in sorted(SCALE_CORPUS.glob("*.md"))[:40]:
        parsed = parse_document(path.name, path.read_text(encoding="utf-8"))
        texts += [passage_text(parsed.document, c) for c in split_long_clauses(parsed.clauses, config.max_clause_chars)]
    texts = texts[:512]
    embedder = open_embedder(config, progress=False)
    started = time.perf_counter()
    embedder.encode_passages(texts)
    return len(texts) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="clause parts per collection, comma-separated")
    parser.add_argument("--laws", type=Path, default=DEFAULT_LAWS, help="LawRefBook/Laws (bare mirror or checkout)")
    parser.add_argument("--rebuild", action="store_true", help="build every size again from nothing")
    parser.add_argument("--rounds", type=int, default=1, help="times to ask every evaluation question")
    parser.add_argument("--contended", action="store_true", help="also time the questions with a build beside them")
    parser.add_argument("--incremental", action="store_true",
                        help="also time the rebuild after one file changes and after it is deleted")
    args = parser.parse_args()
    base = Config.from_env()
    laws = args.laws if args.laws.exists() else None
    rate = encoder_rate(base)
    print(f"encoder {base.encoder}: {rate:.1f} passages/s raw (512 regulation passages, batch as built)")
    header = ("size", "docs", "parts", "build s", "clauses/s", "disk MB", "open s", "1st answer s", "RSS MB", "peak MB",
              "torch", "p50 ms", "p95 ms", "max ms", "p95 busy ms", "FAISS recall@10")
    print(" | ".join(header))
    print("|".join("---" for _ in header))
    for size in (int(s) for s in args.sizes.split(",")):
        home = Path(base.cache_dir) / "scale" / str(size)
        config = base.override(corpus_dir=home / "corpus", index_dir=home / "index")
        docs, parts = make_corpus(size, config.corpus_dir, laws, config.max_clause_chars)
        built = build(config, args.rebuild)
        served = serving(config, args.rounds)
        busy = contended(config, args.rounds, home / "scratch-index")["p95"] if args.contended else None
        rate_built = built["embedded"] / built["seconds"] if built["embedded"] else float("nan")
        row = (size, docs, parts, f"{built['seconds']:.0f}", f"{rate_built:.1f}", f"{disk_mb(Path(config.index_dir)):.0f}",
               f"{served['open']:.2f}", f"{served['first']:.2f}", f"{served['rss_mb']:.0f}", f"{served['peak_mb']:.0f}",
               "yes" if served["torch"] else "no", f"{served['p50']:.0f}", f"{served['p95']:.0f}", f"{served['max']:.0f}",
               "–" if busy is None else f"{busy:.0f}",
               f"{served['recall']:.3f}")
        print(" | ".join(map(str, row)), flush=True)
        if args.incremental:
            step = incremental(config)
            print(f"  {size}: one file changed ({step['file']}): rebuilt in {step['changed_s']:.1f} s, "
                  f"{step['changed_embedded']} parts embedded; deleted: {step['deleted_s']:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
