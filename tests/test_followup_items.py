"""'第二个是什么？' after an answer that lists things, and a clause that introduces a list answered with the list.

On a real published guideline (tests/fixtures/real-library, read by LibreOffice), indexed with the real model.
Learnt from a question written blind: '罕见病器械附带条件批准上市可以考虑哪些情况？' then '第二个是什么？'.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.answering import ordinal_asked
from assistant.ingest.convert import soffice
from assistant.textnorm import fold

RARE = Path(__file__).parent / "fixtures" / "real-library" / "2018-10-18" / "用于罕见病防治医疗器械注册审查指导原则.doc"
TB = Path(__file__).parent / "fixtures" / "real-library" / "2015-04-05" / "结核分枝杆菌复合群核酸检测试剂注册技术审查指导原则.docx"
CASES = "罕见病器械附带条件批准上市可以考虑哪些情况？"


@pytest.mark.parametrize("question, place", [
    ("第二个是什么？", 2), ("那第三条呢", 3), ("其中第4项具体说了什么？", 4), ("最后一个呢？", -1),
    ("第十二点是什么", 12), ("第二十种情况呢？", 20),
    ("第二个产品的有效期是多久？", None), ("第三条规定了什么内容和要求，跟第二条有什么区别？", None),
    ("二是什么", None),
])
def test_a_follow_up_asking_for_a_place_in_a_list(question, place):
    assert ordinal_asked(fold(question)) == place


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, real_embedder):
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    from assistant.config import Config
    from assistant.index import build_index
    from assistant.service import Assistant

    root = tmp_path_factory.mktemp("items")
    (root / "library").mkdir()
    shutil.copy(RARE, root / "library" / RARE.name)
    shutil.copy(TB, root / "library" / TB.name)
    config = Config(corpus_dir=root / "library", index_dir=root / "index")
    index, _ = build_index(config, lambda: real_embedder, progress=False)
    return Assistant(config, index, real_embedder)


def test_a_clause_that_introduces_a_list_is_answered_with_the_list(assistant):
    answer = assistant.ask(CASES)
    assert answer.found and [c.clause.label for c in answer.citations[:5]] == [
        "六（一）", "六（一）1", "六（一）2", "六（一）3", "六（一）4"]
    assert "限定可合法使用该产品的医疗机构范围" in answer.text and "设定上市后产品评价时限" in answer.text
    labels = [c.clause.label for c in answer.citations]
    assert len(labels) == len(set(labels))  # the items are not cited a second time as further reading


@pytest.mark.parametrize("follow_up, label, words", [
    ("第二个是什么？", "六（一）2", "知情同意"),
    ("那第三条呢", "六（一）3", "上市后需进行的研究"),
    ("最后一个呢？", "六（一）4", "评价时限"),
])
def test_an_item_is_asked_for_by_its_place(assistant, follow_up, label, words):
    answer = assistant.ask(follow_up, [CASES])
    assert answer.found and answer.citations[0].clause.label == label and words in answer.text


def test_a_place_beyond_the_list_is_said_to_be_so(assistant):
    answer = assistant.ask("第九项具体说了什么？", [CASES])
    assert not answer.found and "六（一）下只有4项，没有第9项" in answer.text


def test_a_part_of_an_outline_answer_is_asked_for_by_its_place(assistant):
    outline = "罕见病器械原则分为哪几个部分？"
    assert "四、免于临床试验基本原则" in assistant.ask(outline).text
    answer = assistant.ask("第四部分讲的是什么？", [outline])
    assert answer.found and answer.citations[0].clause.label == "四"
    assert "其下分为3项" in answer.text


@pytest.mark.parametrize("question", [
    "结核核酸原则里，干扰研究要验证哪些抗结核药？",
    "结核分枝杆菌核酸试剂做药物干扰试验，要加哪些外源性药物？",
    "结核核酸检测试剂干扰物质里列了哪些药？",
])
def test_a_clause_ending_in_a_table_s_caption_is_answered_with_the_table(assistant, question):
    answer = assistant.ask(question)
    assert answer.found and "吡嗪酰胺" in answer.text and "链霉素" in answer.text, answer.text
    assert any(c.clause.label.endswith("表3行1") for c in answer.citations)
