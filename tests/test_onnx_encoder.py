"""The ONNX encoder: torch's vectors (fp32) or nearly (int8), never torch in the serving process, a damaged
prepared folder made again, and a model the export cannot reproduce refused with a message."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.embedding import Embedder, load_model
from assistant.model_prep import ModelError, encoder_folder, encoder_ready, prepare_encoder
from assistant.onnx_encoder import OnnxEmbedder
from assistant.service import open_embedder

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["2022年孕产妇死亡率的目标是多少？", "欽州2019年工作要點對家庭醫生簽約有什麼安排？",
             "What does Qinzhou plan for 家庭医生签约?", "云州区方案的二（二）4讲什么", "那2025年呢？" * 30]


@pytest.fixture(scope="module")
def config(shared_assistant):
    return shared_assistant.config


@pytest.fixture(scope="module")
def folder(config) -> Path:
    return encoder_folder(config.base_model_id, config.cache_dir)


@pytest.fixture(scope="module")
def torch_embedder(config) -> Embedder:
    return Embedder(load_model(config.model, config.cache_dir, progress=False))


@pytest.fixture(scope="module")
def passages(shared_assistant) -> list[str]:
    from assistant.index import passage_text

    index = shared_assistant.index
    return [passage_text(index.documents[c.source], c) for c in index.clauses[::7]]


def test_the_assistant_runs_the_int8_encoder_by_default(shared_assistant, folder):
    embedder = shared_assistant.retriever.embedder
    assert isinstance(embedder, OnnxEmbedder) and embedder.precision == "int8" and encoder_ready(folder)
    assert shared_assistant.index.manifest.model_id.endswith("+int8")  # its vectors are not torch's


@pytest.mark.parametrize("question", QUESTIONS)
def test_fp32_questions_are_torchs_vectors(folder, torch_embedder, question):
    fast, slow = OnnxEmbedder(folder, "fp32").encode_query(question), torch_embedder.encode_query(question)
    assert fast.shape == slow.shape == (384,) and fast.dtype == np.float32
    assert float(np.dot(fast, slow)) > 0.9999


def test_fp32_passages_are_torchs_vectors_in_the_order_given(folder, torch_embedder, passages):
    fast = OnnxEmbedder(folder, "fp32").encode_passages(passages)
    slow = torch_embedder.encode_passages(passages)
    assert fast.shape == slow.shape and (fast * slow).sum(1).min() > 0.9999


def test_int8_vectors_stay_close_and_find_the_same_passage(folder, torch_embedder, passages):
    int8 = OnnxEmbedder(folder, "int8")
    vectors, exact = int8.encode_passages(passages), torch_embedder.encode_passages(passages)
    assert (vectors * exact).sum(1).min() > 0.99
    norms = np.linalg.norm(vectors, axis=1)
    assert np.allclose(norms, 1.0, atol=1e-4)
    for question in QUESTIONS[:4]:  # the passage torch ranks first is in int8's top three
        best = int(np.argmax(exact @ torch_embedder.encode_query(question)))
        assert best in np.argsort(-(vectors @ int8.encode_query(question)))[:3]


def test_no_passages_give_an_empty_array(folder):
    assert OnnxEmbedder(folder, "int8").encode_passages([]).shape == (0, 384)


def test_answering_never_imports_torch_nor_pypinyin(config):
    """A new process opens the assistant and answers as `serve` and `ask` do; torch stays out of it, and so
    does pypinyin (49 MB) for an English question naming a place: its pinyin was worked out by the build."""
    script = ("import sys; from assistant.service import Assistant; from assistant.config import Config; "
              "a = Assistant.open(Config.from_env(), progress=False); "
              "answer = a.ask('2022年孕产妇死亡率的目标是多少？'); "
              "english = a.ask('What does Qinzhou plan for family doctors?'); "
              "print(answer.found, english.citations[0].clause.source[:3], 'torch' in sys.modules, "
              "'sentence_transformers' in sys.modules, 'pypinyin' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "001", "False", "False", "False"]


def test_a_damaged_prepared_encoder_is_prepared_again(config, folder, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(folder.parent.parent / "e5-small-st", cache / "e5-small-st")  # the converted model, not the export
    copy = encoder_folder(config.base_model_id, cache)
    shutil.copytree(folder, copy)
    (copy / "model-int8.onnx").write_bytes(b"cut short by a crash")
    embedder = open_embedder(config.override(cache_dir=cache), progress=False)
    assert (copy / "model-int8.onnx").stat().st_size > 50_000_000
    assert float(np.dot(embedder.encode_query(QUESTIONS[0]), OnnxEmbedder(folder, "int8").encode_query(QUESTIONS[0]))) > 0.9999


def _tiny_model(folder: Path, source: Path, pooling: str) -> Path:
    """A small random BERT as a sentence-transformers folder, with e5's tokenizer and the pooling given."""
    from transformers import BertConfig, BertModel

    BertModel(BertConfig(vocab_size=250037, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=512, pad_token_id=1),
              add_pooling_layer=False).save_pretrained(folder)
    for name in ("tokenizer.json", "tokenizer_config.json", "modules.json", "config_sentence_transformers.json"):
        shutil.copy(source / name, folder / name)
    (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 128, "do_lower_case": False}))
    (folder / "1_Pooling").mkdir()
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": 32, "pooling_mode_cls_token": pooling == "cls",
         "pooling_mode_mean_tokens": pooling == "mean"}))
    (folder / "2_Normalize").mkdir()
    return folder


def test_another_mean_pooling_model_is_exported(tmp_path, folder):
    model = _tiny_model(tmp_path / "tiny-mean", folder.parent.parent / "e5-small-st", "mean")
    prepared = prepare_encoder(str(model), f"path:{model}", tmp_path / "cache", progress=False)
    assert json.loads((prepared / "encoder.json").read_text())["dimension"] == 32
    assert OnnxEmbedder(prepared, "int8").encode_passages(["一、总体要求"]).shape == (1, 32)


def test_a_model_the_export_cannot_reproduce_is_refused_with_the_way_out(tmp_path, folder):
    model = _tiny_model(tmp_path / "tiny-cls", folder.parent.parent / "e5-small-st", "cls")
    with pytest.raises(ModelError, match="--encoder torch"):
        prepare_encoder(str(model), f"path:{model}", tmp_path / "cache", progress=False)
    assert not any((tmp_path / "cache" / "encoders").iterdir())  # nothing half-made is left


def test_sentencepiece_gives_the_ids_tokenizers_gives(shared_assistant, folder):
    """The serving tokenizer (sentencepiece, a quarter of the memory) against the `tokenizers` pipeline
    the model was exported with, on every plan passage and evaluation question and on awkward text."""
    from tokenizers import Tokenizer

    from assistant.index import passage_text
    from assistant.spm_tokens import SentencePieceTokens, sentencepiece_model
    from assistant.textnorm import fold

    reference = Tokenizer.from_file(str(folder / "tokenizer.json"))
    reference.enable_truncation(max_length=512)
    ours = SentencePieceTokens(sentencepiece_model(json.loads((folder / "tokenizer.json").read_text())), 512)
    index = shared_assistant.index
    questions = [json.loads(line)["question"] for line in (ROOT / "eval" / "questions.jsonl").open(encoding="utf-8")]
    texts = (["passage: " + passage_text(index.documents[c.source], c) for c in index.clauses]
             + ["query: " + q for q in questions] + ["query: " + fold(q) for q in questions]
             + ["", " ", "  两个空格在前", "在后  ", "中间  两个", "tab\there", "全角　空格", "\n换行\n", "零宽\u200b",
                "2022 年,孕产妇死亡率降到18/10 万", "①②③ ＡＢＣ １２３", "Ⅻ ㎡ ℃", "很长的一句话。" * 200])
    differ = [t for t in texts if reference.encode(t).ids != ours.encode(t)]
    assert len(texts) > 800 and differ == []


def test_a_tokenizer_sentencepiece_cannot_run_stays_with_tokenizers(tmp_path, folder):
    from assistant.onnx_encoder import load_tokens

    spec = json.loads((folder / "tokenizer.json").read_text())
    spec["pre_tokenizer"] = {"type": "Whitespace"}  # not the XLM-R pipeline
    (tmp_path / "tokenizer.json").write_text(json.dumps(spec))
    tokens = load_tokens(tmp_path, 64)
    assert type(tokens).__name__ == "_HuggingFaceTokens" and not (tmp_path / "tokenizer.model").exists()
    assert tokens.encode("一、总体要求")[0] == 0
