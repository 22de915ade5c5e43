"""Sentence embeddings through torch and sentence-transformers: `load_model` and `Embedder`.

The default encoder is the same model through ONNX Runtime (assistant.onnx_encoder), which never
imports torch; this one is kept for models that cannot be exported (`--encoder torch`) and to
prepare and check that export (assistant.model_prep, which also converts the built-in model).
"""
from __future__ import annotations

import functools
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.model_prep import BUILTIN_MODEL, TORCH_THREADS, model_folder
from assistant.model_prep.base import _progress_printer

if TYPE_CHECKING:  # importing sentence_transformers is slow; only load_model needs it
    from sentence_transformers import SentenceTransformer

QUERY_CACHE = 256  # query vectors kept (1.5 KB each)


# ------------------------------------------------------------------------ loading


def load_model(model: str, cache_dir: Path, progress: bool = True) -> "SentenceTransformer":
    """Load the built-in e5-small (`model == "e5-small"`) or a local sentence-transformers folder.

    Never touches the network: the hub is switched off before
    sentence_transformers is imported and loading is local-files-only.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"  # read when huggingface_hub is first imported
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    path = model_folder(model, cache_dir, progress)
    # The built-in file has no pooler; mean pooling needs none.
    model_kwargs = {"add_pooling_layer": False} if model == BUILTIN_MODEL else {}
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(TORCH_THREADS)
    if not progress:  # transformers' "Loading weights" bar; process-wide, as asked
        transformers.utils.logging.disable_progress_bar()
    say = _progress_printer(progress)
    start = time.perf_counter()
    st = SentenceTransformer(str(path), device="cpu", local_files_only=True, model_kwargs=model_kwargs)
    say(f"loaded embedding model {path.name} in {time.perf_counter() - start:.1f} s")
    return st


# ------------------------------------------------------------------------ encoding


class Embedder:
    """Query / passage encoding that uses the model's own prompts when it has them
    (e5 needs "query: " / "passage: "; bge and most others have none)."""

    def __init__(self, model: "SentenceTransformer") -> None:
        self.model = model
        prompts = getattr(model, "prompts", None) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = next((p for p in ("document", "passage") if p in prompts), None)
        self.query_prompt = prompts.get(self._query_prompt, "") if self._query_prompt else ""  # e5: "query: "

    def torch_query(self, text: str) -> np.ndarray:
        """A question through the torch model (with the model's query prompt)."""
        vector = self.model.encode([text], prompt_name=self._query_prompt, batch_size=1, show_progress_bar=False,
                                   convert_to_numpy=True, normalize_embeddings=True)
        return np.ascontiguousarray(vector[0], dtype=np.float32)

    @property
    def dimension(self) -> int:
        """Length of every vector this model produces."""
        # sentence-transformers 6 renamed the method; 5.x only has the old name
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        dim = getter()
        return int(dim) if dim else int(self.encode_query("dimension").shape[0])

    def encode_passages(self, texts: list[str], batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        """(len(texts), dimension) float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            prompt_name=self._passage_prompt,
            batch_size=batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dimension) unit vectors of questions, not kept in the query cache (labelled examples)."""
        vectors = self.model.encode(list(texts), prompt_name=self._query_prompt, batch_size=1, show_progress_bar=False,
                                    convert_to_numpy=True, normalize_embeddings=True)
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def encode_query(self, text: str) -> np.ndarray:
        """(dimension,) float32 unit vector, read-only. The last few hundred are kept: a follow-up's
        earlier turn, searched again as its context, was encoded when it was asked."""
        return self._encode_query_cached(text)

    def clear_query_cache(self) -> None:
        self._encode_query_cached.cache_clear()

    @functools.lru_cache(maxsize=QUERY_CACHE)
    def _encode_query_cached(self, text: str) -> np.ndarray:
        vector = self.torch_query(text)
        vector.flags.writeable = False  # shared by every caller of the cache
        return vector
