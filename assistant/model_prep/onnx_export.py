"""The ONNX encoder, prepared once per model (`prepare_encoder`): the model with mean pooling and L2
normalisation exported with torch as one graph, fused by ONNX Runtime's transformer optimizer, checked against
sentence-transformers on probe texts (a model that pools another way is refused), and quantised to int8,
beside its tokenizer and an `encoder.json` (see assistant.onnx_encoder)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.model_prep.base import BUILTIN_MODEL, TORCH_THREADS, ModelError, Say, _progress_printer
from assistant.model_prep.convert import model_folder

if TYPE_CHECKING:  # importing sentence_transformers is slow; only the export needs it
    from sentence_transformers import SentenceTransformer

EXPORT_VERSION = 1  # bump when the exported graph changes: prepared folders are then made again
ONNX_FILES = ("encoder.json", "tokenizer.json", "model.onnx", "model-int8.onnx")
MIN_AGREEMENT = 0.9999  # cosine of the fp32 graph's vectors with sentence-transformers' on every probe
PROBES = ("2022年孕产妇死亡率的目标是多少？", "What does Qinzhou plan for 家庭医生签约?",
          "到2025年，全市孕产妇系统管理率达到93%以上。" * 8, "一、总体要求")


def encoder_folder(model_id: str, cache_dir: Path) -> Path:
    """Where the ONNX encoder of the model `model_id` (Config.model_id without precision) is prepared."""
    key = hashlib.sha256(f"{model_id}|{EXPORT_VERSION}".encode()).hexdigest()[:12]
    return Path(cache_dir).expanduser() / "encoders" / key


def encoder_ready(folder: Path) -> bool:
    return all((folder / name).is_file() for name in ONNX_FILES)


def prepare_encoder(model: str, model_id: str, cache_dir: Path, progress: bool = True) -> Path:
    """The prepared ONNX encoder folder, made now if it is not there yet (about a minute, with torch).

    Written under a temporary name and renamed into place when complete. ModelError when the model
    cannot be exported faithfully (then `--encoder torch` still works).
    """
    folder = encoder_folder(model_id, cache_dir)
    if encoder_ready(folder):
        return folder
    say = _progress_printer(progress)
    began = time.perf_counter()
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".prepare-", dir=folder.parent))
    try:
        source = model_folder(model, cache_dir, progress)
        st = _load_for_export(model, source)
        shutil.copy(source / "tokenizer.json", tmp / "tokenizer.json")
        _write_sentencepiece(tmp)
        steps = 4
        say(f"[1/{steps}] exporting the model to ONNX (once)")
        export_graph(st, tmp / "raw.onnx")
        say(f"[2/{steps}] fusing attention and layer norms (onnxruntime optimizer)")
        _optimize(st, tmp / "raw.onnx", tmp / "model.onnx", say)
        (tmp / "raw.onnx").unlink()
        say(f"[3/{steps}] checking the ONNX vectors against sentence-transformers")
        agreement = _agreement(st, tmp)
        say(f"[4/{steps}] quantising the weights to int8")
        _quantize(tmp / "model.onnx", tmp / "model-int8.onnx")
        _write_info(st, model_id, tmp, agreement)
        tmp.chmod(0o755)
        try:
            os.replace(tmp, folder)
        except OSError:
            if not encoder_ready(folder):  # another process finishing first is fine
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    say(f"ONNX encoder ready in {folder} ({time.perf_counter() - began:.0f} s)")
    return folder


def _write_sentencepiece(folder: Path) -> None:
    """tokenizer.model beside tokenizer.json when sentencepiece can run it (assistant/spm_tokens.py)."""
    from assistant.onnx_encoder import write_sentencepiece_model
    from assistant.spm_tokens import NotUnigram, sentencepiece_model

    try:
        model = sentencepiece_model(json.loads((folder / "tokenizer.json").read_text(encoding="utf-8")))
    except NotUnigram:
        return
    write_sentencepiece_model(folder, model)


def _load_for_export(model: str, path: Path) -> "SentenceTransformer":
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(TORCH_THREADS)
    transformers.utils.logging.disable_progress_bar()
    # Eager attention exports as the MatMul/Softmax pattern the optimizer fuses into one Attention op.
    kwargs = {"attn_implementation": "eager"}
    if model == BUILTIN_MODEL:
        kwargs["add_pooling_layer"] = False  # the file has no pooler; mean pooling needs none
    if not (path / "tokenizer.json").is_file():
        raise ModelError(f"{path} has no tokenizer.json (a fast tokenizer), which the ONNX encoder reads; "
                         "use --encoder torch for this model")
    return SentenceTransformer(str(path), device="cpu", local_files_only=True, model_kwargs=kwargs)


INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_graph(st: "SentenceTransformer", path: Path) -> None:
    """The transformer with mean pooling and normalisation as one ONNX graph (batch and length dynamic)."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self, transformer):
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                      token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    example = st.tokenizer(["query: probe", "passage: a longer probe text"], return_tensors="pt", padding=True)
    ids = example["input_ids"]
    args = (ids, example["attention_mask"], example.get("token_type_ids", torch.zeros_like(ids)))
    dynamic = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about shapes
        torch.onnx.export(Pooled(st[0].auto_model).eval(), args, str(path), input_names=list(INPUTS),
                          output_names=["vector"], dynamic_axes=dynamic, opset_version=17, dynamo=False)


def _optimize(st: "SentenceTransformer", raw: Path, out: Path, say: Say) -> None:
    from onnxruntime.transformers.optimizer import optimize_model

    config = st[0].auto_model.config
    try:
        optimized = optimize_model(str(raw), model_type="bert", num_heads=config.num_attention_heads,
                                   hidden_size=config.hidden_size)
        fused = optimized.get_fused_operator_statistics()
        optimized.save_model_to_file(str(out))
        say(f"      fused: {fused.get('Attention', 0)} attention, {fused.get('SkipLayerNormalization', 0)} layer norms")
    except Exception as exc:  # noqa: BLE001 - an architecture the optimizer does not know runs unfused
        say(f"      not fused ({type(exc).__name__}: {exc}); the plain export is used")
        shutil.copy(raw, out)


def _agreement(st: "SentenceTransformer", folder: Path) -> float:
    """The lowest cosine between the ONNX graph's and sentence-transformers' vectors of the probes."""
    from assistant.onnx_encoder import OnnxEmbedder

    _write_info(st, "probe", folder, 0.0)
    onnx = OnnxEmbedder(folder, "fp32")
    prompts = getattr(st, "prompts", None) or {}
    worst = 1.0
    for text in PROBES:
        for name in ("query", "document"):
            want = st.encode([prompts.get(name, "") + text], normalize_embeddings=True, convert_to_numpy=True)[0]
            got = onnx.encode_query(text) if name == "query" else onnx.encode_passages([text])[0]
            worst = min(worst, float(np.dot(want, got)))
    if worst < MIN_AGREEMENT:
        raise ModelError(f"the ONNX export of this model does not give its vectors (cosine {worst:.5f}; it may pool "
                         "differently from mean pooling); use --encoder torch for this model")
    return worst


def _quantize(model: Path, out: Path) -> None:
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level, root.level = root.level, logging.ERROR  # its advice to pre-process applies to static quantisation
    try:
        # The fused ops come from ONNX Runtime's own domain, which ONNX's shape inference cannot type.
        quantize_dynamic(str(model), str(out), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        root.level = level


def _write_info(st: "SentenceTransformer", model_id: str, folder: Path, agreement: float) -> None:
    from assistant.onnx_encoder import EncoderInfo

    prompts = getattr(st, "prompts", None) or {}
    passage = next((prompts[p] for p in ("document", "passage") if p in prompts), "")
    getter = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
    EncoderInfo(model_id, prompts.get("query", ""), passage, int(st.max_seq_length), int(getter()),
                round(agreement, 6)).write(folder)
