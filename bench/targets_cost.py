"""What extracting targets adds to a build: a collection of N clause parts (bench/scale.py's: the plans, then
../shared/scale-corpus) built with `python -m assistant build`, then the extraction step alone timed on the
same documents (targets are extracted from nothing there, as in a build from nothing).

    python bench/targets_cost.py [--parts 10000] [--folder /tmp/targets-scale]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from assistant.config import Config  # noqa: E402
from assistant.index import load_index  # noqa: E402
from assistant.targets import store  # noqa: E402
from scale import make_corpus  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parts", type=int, default=10_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/targets-scale"))
    args = parser.parse_args()
    corpus, index = args.folder / "corpus", args.folder / "index"
    files, parts = make_corpus(args.parts, corpus, None, Config().max_clause_chars)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLAN_CORPUS": str(corpus), "PLAN_INDEX": str(index)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant", "build", "-q"], cwd=ROOT, env=env, check=True)
    build = time.perf_counter() - started
    loaded = load_index(Config.from_env().override(corpus_dir=corpus, index_dir=index))
    started = time.perf_counter()
    targets = store.compute(loaded.documents, loaded.whole_clauses)
    extraction = time.perf_counter() - started
    print(f"{files} files, {parts} clause parts, {len(targets)} targets")
    print(f"build from nothing (extraction included): {build:.1f} s")
    print(f"extraction alone: {extraction:.2f} s = {100 * extraction / build:.1f} % of the build "
          f"(a build without it: {build - extraction:.1f} s; extraction adds {100 * extraction / (build - extraction):.1f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
