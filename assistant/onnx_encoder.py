"""The embedding model through ONNX Runtime and a tokenizer alone: no torch, no sentence-transformers.

This is what serves questions and (by default) embeds passages. It reads a prepared folder
(`assistant.model_prep` writes it once, with torch, at set-up):

    encoder.json      prompts ("query: " / "passage: "), max_seq_length, dimension, the model's id
    tokenizer.json    the model's tokenizer (an XLM-R unigram runs in sentencepiece: tokenizer.model,
                      written from it on first use; any other in `tokenizers`)
    model.onnx        transformer + mean pooling + L2 normalisation as one graph (fp32)
    model-int8.onnx   the same with dynamically quantised int8 weights (optional)

fp32 gives the vectors torch gives (cosine 1.0000), so an index built either way is the same index.
Passages are batched by length (longest first), so a batch pads little and int8's per-batch
activation scales see similar texts.
"""
from __future__ import annotations

import functools
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QUERY_CACHE = 512
PRECISIONS = ("fp32", "int8")
MODEL_FILES = {"fp32": "model.onnx", "int8": "model-int8.onnx"}


@dataclass(frozen=True)
class EncoderInfo:
    """What encoder.json records about the prepared model."""

    model_id: str
    query_prompt: str
    passage_prompt: str
    max_seq_length: int
    dimension: int
    agreement: float  # lowest cosine with sentence-transformers' vectors on the probes (fp32)

    @classmethod
    def read(cls, folder: Path) -> "EncoderInfo":
        data = json.loads((folder / "encoder.json").read_text(encoding="utf-8"))
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})

    def write(self, folder: Path) -> None:
        (folder / "encoder.json").write_text(json.dumps(self.__dict__, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")


class OnnxEmbedder:
    """encode_query / encode_passages / dimension, as `assistant.embedding.Embedder` offers them."""

    def __init__(self, folder: Path, precision: str = "fp32", threads: int = 2, query_threads: int = 1):
        self.folder = Path(folder)
        self.info = EncoderInfo.read(self.folder)
        self.precision = precision
        self.query_prompt = self.info.query_prompt
        self.tokens = load_tokens(self.folder, self.info.max_seq_length)
        self._path = str(self.folder / MODEL_FILES[precision])
        self._threads = threads
        # A single question runs on one thread, so it is not slowed 5-20x when a build or another
        # question holds the other core; batches of passages get every core, in a session of their
        # own made on first use (a serving process never embeds, and each session holds the model).
        self._query_session = _session(self._path, query_threads)
        self._batch_session = self._query_session if query_threads == threads else None
        self._pad = self.tokens.pad

    @property
    def dimension(self) -> int:
        return self.info.dimension

    def _run(self, session, texts: list[str]) -> np.ndarray:
        encodings = [self.tokens.encode(t) for t in texts]
        width = max(len(e) for e in encodings)
        ids = np.full((len(texts), width), self._pad, dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e)] = e
            mask[row, : len(e)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return session.run(None, feed)[0].astype(np.float32, copy=False)

    def encode_passages(self, texts: list[str], batch_size: int = 8, show_progress: bool = False) -> np.ndarray:
        """(len(texts), dimension) float32 unit vectors, in the order given. Small batches: measured on
        the plans, 8 passages a batch took 0.65 of the time of 32 (less padding to the longest)."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        prompted = [self.info.passage_prompt + t for t in texts]
        if self.precision == "int8":
            # int8 weights come with activations quantised per batch, at a scale set by the batch's
            # largest value: a passage's vector would depend on the passages beside it, so a file
            # re-embedded alone, or a build in other steps, would give other vectors. One at a time
            # they are the passage's own, as a question's are; it costs ~5% here (no padding either).
            batch_size = 1
        if batch_size == 1:
            order = list(range(len(texts)))
        else:  # longest first, so each batch pads little
            lengths = [len(self.tokens.encode(t)) for t in prompted]
            order = sorted(range(len(texts)), key=lambda i: -lengths[i])
        if self._batch_session is None:
            self._batch_session = _session(self._path, self._threads)
        bar = _bar(len(texts)) if show_progress else None
        for at in range(0, len(order), batch_size):
            rows = order[at : at + batch_size]
            out[rows] = self._run(self._batch_session, [prompted[i] for i in rows])
            if bar is not None:
                bar.update(len(rows))
        if bar is not None:
            bar.close()
        return out

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dimension) unit vectors of questions, one at a time as a question is (the same vectors),
        not kept in the query cache (labelled examples)."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._run(self._query_session, [self.query_prompt + text])[0]
        return out

    def encode_query(self, text: str) -> np.ndarray:
        """(dimension,) float32 unit vector, read-only; the last few hundred are kept."""
        return self._encode_query_cached(text)

    def clear_query_cache(self) -> None:
        self._encode_query_cached.cache_clear()

    @functools.lru_cache(maxsize=QUERY_CACHE)
    def _encode_query_cached(self, text: str) -> np.ndarray:
        vector = np.ascontiguousarray(self._run(self._query_session, [self.query_prompt + text])[0])
        vector.flags.writeable = False  # shared by every caller of the cache
        return vector


SENTENCEPIECE_FILE = "tokenizer.model"


class _HuggingFaceTokens:
    """The `tokenizers` pipeline of tokenizer.json, for tokenizers sentencepiece does not reproduce."""

    def __init__(self, path: Path, max_length: int):
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(path))
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.no_padding()
        pad = self.tokenizer.token_to_id("<pad>")
        self.pad = 1 if pad is None else pad

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text).ids


def load_tokens(folder: Path, max_length: int):
    """The folder's tokenizer: sentencepiece when tokenizer.json is an XLM-R unigram (a quarter of the
    memory; its model file is written beside tokenizer.json the first time), else `tokenizers`."""
    from assistant.memory import release_freed_memory
    from assistant.spm_tokens import NotUnigram, SentencePieceTokens, sentencepiece_model

    model_file = folder / SENTENCEPIECE_FILE
    if model_file.is_file():
        return SentencePieceTokens(model_file.read_bytes(), max_length)
    try:
        model = sentencepiece_model(json.loads((folder / "tokenizer.json").read_text(encoding="utf-8")))
    except NotUnigram:
        return _HuggingFaceTokens(folder / "tokenizer.json", max_length)
    write_sentencepiece_model(folder, model)
    release_freed_memory()  # parsing the 16 MB JSON left ~100 MB of freed heap behind
    return SentencePieceTokens(model, max_length)


def write_sentencepiece_model(folder: Path, model: bytes) -> None:
    """tokenizer.model into the prepared folder (atomically; skipped if the folder is read-only)."""
    partial = folder / f".{SENTENCEPIECE_FILE}.{os.getpid()}"
    try:
        partial.write_bytes(model)
        partial.replace(folder / SENTENCEPIECE_FILE)
    except OSError:
        partial.unlink(missing_ok=True)


def _session(path: str, threads: int):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def _bar(total: int):
    from tqdm import tqdm

    return tqdm(total=total, desc="embedding", unit="passage", file=sys.stderr, leave=False)
