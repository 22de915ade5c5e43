"""The persisted search index: clause vectors in FAISS, BM25 postings, and a manifest.

Layout under the index folder:
    manifest.json      what the index was built from; names the live generation
    gen-<id>/          rows.npz (the clause parts as columns), vectors.npy, faiss.index, bm25.npz,
                       documents.jsonl, outline.npz (each document's whole clauses, as columns),
                       features.json + doc_terms.npz (what retrieval derives from the corpus),
                       and manifest.json (a copy, so the generation can be checked on its own)

A build writes a new generation folder and only then replaces manifest.json (os.replace is
atomic), so a crash mid-build leaves the previous index usable. A build re-embeds only the
clauses of files whose bytes changed; everything else is copied from the previous generation.

A generation holds everything needed to answer (the parsed documents too), so the server can
answer from the last intact one while a newer one is built or a damaged one repaired. The build
keeps the newest intact earlier generation beside the live one for that, and deletes the rest.

One module per idea:
  manifest.py  what a generation was built from (Manifest), why it cannot serve this corpus and model
               (staleness), whether its files are what the build wrote (artefact_problems), which are intact
  load.py      a generation read into memory (SearchIndex), or StaleIndex saying what to run
  reuse.py     what a rebuild takes from the previous generation: its reading of unchanged files, their rows
  build.py     build_index: the corpus read, only new or changed parts embedded, a new generation written
"""
from __future__ import annotations

from assistant.index.build import build_index, lexical_terms, passage_text
from assistant.index.load import SearchIndex, index_problems, load_generation, load_index
from assistant.index.manifest import (ARTEFACTS, MANIFEST, Manifest, StaleIndex, damaged_artefacts, intact_generations,
                                      staleness)

__all__ = ["ARTEFACTS", "MANIFEST", "Manifest", "SearchIndex", "StaleIndex", "build_index", "damaged_artefacts",
           "index_problems", "intact_generations", "lexical_terms", "load_generation", "load_index", "passage_text",
           "staleness"]
