"""`eval --extra-corpus DIR`: answer with DIR's files indexed beside the configured corpus.

The combined corpus and its index live in `config.cache_dir/eval-index/<key>/{corpus,index}`, the
key a short hash of both folders' file names and contents, so a second run reuses them. The index
is seeded with a copy of the configured one, so the plans' vectors are reused and only DIR's files
are embedded (as tests/test_generalization.py does).
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

from assistant.config import Config
from assistant.corpus import CorpusError, corpus_files, file_sha256
from assistant.index import MANIFEST, Manifest, build_index


def combined_config(config: Config, extra_dir: Path, progress: bool = True) -> Config:
    """A config whose corpus is the configured one plus DIR's files, its index seeded for reuse.

    CorpusError (a message, not a crash) when a folder has no documents or both have a file of one name.
    DIR's README.md, if any, is left out.
    """
    extra_dir = Path(extra_dir)
    plans = {p.name: p for p in corpus_files(config.corpus_dir)}
    # A README.md says what the folder is (tests/fixtures/regulations has one); it is no document.
    extra = {p.name: p for p in corpus_files(extra_dir) if p.name.lower() != "readme.md"}
    if not extra:
        raise CorpusError(f"{extra_dir} has no .txt or .md documents besides its README")
    clash = sorted(set(plans) & set(extra))
    if clash:
        raise CorpusError(f"{extra_dir} and {config.corpus_dir} both have {', '.join(clash)}; "
                          "the combined corpus needs distinct file names: rename one")
    files = {**plans, **extra}
    hashes = {name: file_sha256(path) for name, path in files.items()}
    key = hashlib.sha256(json.dumps(sorted(hashes.items())).encode()).hexdigest()[:12]
    root = Path(config.cache_dir) / "eval-index" / key
    corpus, index = root / "corpus", root / "index"
    _say(progress, f"extra corpus: {len(extra)} file(s) of {extra_dir} beside {len(plans)} of {config.corpus_dir}, "
                   f"combined in {root}")
    corpus.mkdir(parents=True, exist_ok=True)
    for stray in corpus.iterdir():
        if stray.name not in files:
            if stray.is_dir():
                shutil.rmtree(stray)
            else:
                stray.unlink()
    for name, path in files.items():
        target = corpus / name
        if not target.exists() or file_sha256(target) != hashes[name]:
            shutil.copy2(path, target)
    combined = config.override(corpus_dir=corpus, index_dir=index)
    if Manifest.read(index) is None and (Path(config.index_dir) / MANIFEST).exists():
        # Not built yet: start from the configured index, whose vectors of the plans build_index reuses
        # (once built, its own earlier generation gives the vectors of every unchanged file).
        shutil.rmtree(index, ignore_errors=True)
        shutil.copytree(config.index_dir, index)
    return combined


def open_with_extra_corpus(config: Config, extra_dir: Path, progress: bool = True):
    """An Assistant over the configured corpus plus DIR, embedding only what the cache lacks."""
    from assistant.service import Assistant, open_embedder

    combined = combined_config(config, extra_dir, progress)
    embedder = open_embedder(config, progress)
    index, embedded = build_index(combined, lambda: embedder, progress=progress)
    _say(progress, f"extra corpus: index of {len(index.documents)} files ready ({embedded} clause parts embedded now)")
    return Assistant(combined, index, embedder)


def _say(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)
