"""Questions through ONNX Runtime give the torch model's vectors; a broken or missing export never stops the assistant."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.embedding import TORCH_THREADS, Embedder
from assistant.onnx_query import export_path, onnx_query_encoder

QUESTIONS = ["2022年孕产妇死亡率的目标是多少？", "欽州2019年工作要點對家庭醫生簽約有什麼安排？",
             "What does Qinzhou plan for 家庭医生签约?", "云州区方案的二（二）4讲什么", "那2025年呢？" * 30]


@pytest.fixture(scope="module")
def torch_embedder(shared_assistant) -> Embedder:
    return Embedder(shared_assistant.retriever.embedder.model)


def encoder(embedder: Embedder, cache_dir, model_id="test-model"):
    return onnx_query_encoder(embedder.model, embedder.query_prompt, embedder.torch_query, cache_dir, model_id,
                              TORCH_THREADS, progress=False)


def test_the_assistant_encodes_questions_through_onnx(shared_assistant):
    assert shared_assistant.retriever.embedder.fast_query is not None  # the default, with onnxruntime installed


@pytest.mark.parametrize("question", QUESTIONS)
def test_onnx_and_torch_give_the_same_question_vector(shared_assistant, torch_embedder, question):
    fast = shared_assistant.retriever.embedder.fast_query(question)
    slow = torch_embedder.torch_query(question)
    assert fast.shape == slow.shape == (384,) and fast.dtype == np.float32
    assert float(np.dot(fast, slow)) > 0.9999


def test_a_damaged_export_is_written_again(tmp_path, torch_embedder):
    path = export_path(tmp_path, "test-model")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"cut short by a crash")
    encode = encoder(torch_embedder, tmp_path)
    assert encode is not None and path.stat().st_size > 100_000_000
    assert float(np.dot(encode(QUESTIONS[0]), torch_embedder.torch_query(QUESTIONS[0]))) > 0.9999


def test_an_export_that_disagrees_with_torch_is_not_used(tmp_path, torch_embedder, capsys):
    other = Embedder(torch_embedder.model)
    other.query_prompt = "passage: "  # the wrong prompt: the probe vectors differ
    assert onnx_query_encoder(other.model, other.query_prompt, torch_embedder.torch_query, tmp_path, "x",
                              TORCH_THREADS, progress=False) is None
    assert "using torch" in capsys.readouterr().err


def test_torch_only_when_configured(shared_assistant):
    from assistant.service import open_embedder

    embedder = open_embedder(shared_assistant.config.override(query_encoder="torch"), progress=False)
    assert embedder.fast_query is None
    assert float(np.dot(embedder.encode_query(QUESTIONS[0]), shared_assistant.retriever.embedder.encode_query(QUESTIONS[0]))) > 0.9999
