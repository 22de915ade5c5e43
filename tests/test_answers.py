"""Asking the assistant, as staff would, over the shipped corpus: the library API the CLI and UI use."""
from __future__ import annotations

import pytest

from assistant.service import InvalidQuestion

GUIZHOU = "000_a7ee23972fa017a8.txt"
QINZHOU = "001_a2c9650bb564f988.txt"
MULEI = "002_02c8256838811767.txt"
YUNZHOU = "003_0200143d345726b6.txt"
GUANGZHOU = "004_7019475e6841841c.txt"


@pytest.fixture(scope="module")
def assistant(shared_assistant):
    return shared_assistant


def squash(text: str) -> str:
    return "".join(text.split())


def test_a_target_figure_is_quoted_verbatim_and_cited_to_its_clause(assistant):
    answer = assistant.ask("2022年孕产妇死亡率的目标是多少？")
    first = answer.citations[0]
    assert answer.found and (first.source, first.clause.label) == (GUIZHOU, "一（三）")
    assert "18/10 万" in answer.text and "[1]" in answer.text and "20/10 万" not in answer.text
    assert first.clause.path_text == "一、目标任务 › （一）…".replace("（一）…", "（三）诊疗技术更加先进")
    quote_start, quote_end = first.quotes[0]
    assert "18/10 万" in assistant.documents[GUIZHOU].text[quote_start:quote_end]


def test_every_citation_is_the_files_own_characters(assistant):
    for question in ("What does Qinzhou plan for 家庭医生签约?", "云州区急诊急救五大中心有哪些？", "广州生育友好工程"):
        for citation in assistant.ask(question).citations:
            text = assistant.documents[citation.source].text
            assert text[citation.start : citation.end] == citation.clause.text


def test_a_follow_up_takes_its_subject_from_the_earlier_turn(assistant):
    answer = assistant.ask("那2020年呢？", ["2022年孕产妇死亡率的目标是多少？"])
    assert answer.found and "20/10 万" in answer.text and "18/10 万" not in answer.text
    assert "2020年孕产妇死亡率" in answer.effective_question


def test_a_follow_up_naming_another_clause_asks_for_that_clause_instead(assistant):
    answer = assistant.ask("那（三）13呢？", ["云州区方案的二（二）4讲什么"])
    assert answer.found and (answer.citations[0].source, answer.citations[0].clause.label) == (YUNZHOU, "二（三）13")
    assert answer.effective_question == "云州区方案的（三）13讲什么"
    assert "二（二）4" not in answer.text


def test_a_follow_up_with_its_own_topic_stays_in_the_conversations_document(assistant):
    answer = assistant.ask("组织实施阶段呢？", ["云州区这个三年行动方案的启动阶段是什么时候？"])
    assert (answer.citations[0].source, answer.citations[0].clause.label) == (YUNZHOU, "三（二）")


def test_simplified_question_finds_the_traditional_document_and_quotes_it_as_written(assistant):
    answer = assistant.ask("钦州2019年严重精神障碍患者管控落实什么政策？")
    assert answer.citations[0].source == QINZHOU and "以獎代補" in answer.text


def test_an_english_question_with_a_pinyin_place_name(assistant):
    answer = assistant.ask("What does Qinzhou plan for 家庭医生签约?")
    assert answer.found and answer.citations[0].source == QINZHOU and "家庭醫生簽約" in answer.text


@pytest.mark.parametrize(
    "question, source, label",
    [("云州区方案的二（二）4讲什么", YUNZHOU, "二（二）4"), ("贵州八大工程的(十一)是什么内容", GUIZHOU, "二（十一）"),
     ("钦州要点第三十六条说了啥？", QINZHOU, "十（三十六）"), ("木垒县落实情况里第（九）部分的第2点说了什么？", MULEI, "一（九）2")],
)
def test_a_named_clause_resolves_to_that_clause_and_is_quoted_whole(assistant, question, source, label):
    answer = assistant.ask(question)
    first = answer.citations[0]
    assert (first.source, first.clause.label) == (source, label)
    body = first.clause.text.split("。")[1]  # more than the heading sentence
    assert squash(body[:10]) in squash(answer.text)


def test_two_places_get_one_quote_from_each_document(assistant):
    answer = assistant.ask("钦州和木垒在医共体方面分别做了什么？")
    assert {c.source for c in answer.citations[:2]} == {QINZHOU, MULEI}
    assert answer.intent.value == "comparison" and len(answer.items) == 2
    assert {answer.citations[item.citations[0] - 1].source for item in answer.items} == {QINZHOU, MULEI}


@pytest.mark.parametrize(
    "question, says",
    [("深圳2023年家庭医生签约率目标是多少？", "深圳"), ("贵州计划2030年孕产妇死亡率降到多少？", "2030"),
     ("成都市2023年卫生健康重点工程有哪些？", "成都"), ("贵州计划2022年每千常住人口全科医生要达到多少？", "2022")],
)
def test_what_no_document_says_is_refused_plainly_with_leads(assistant, question, says):
    answer = assistant.ask(question)
    assert not answer.found
    assert answer.text.startswith("文件中未找到") and says in answer.text and "可能相关" in answer.text
    assert answer.citations and not any(c.quotes for c in answer.citations)


@pytest.mark.parametrize("bad", ["", "   \n\t", "字" * 100_000, "孕产妇\x00死亡率", "\x1b[31m问题"])
def test_bad_questions_get_a_one_line_reason(assistant, bad):
    with pytest.raises(InvalidQuestion) as caught:
        assistant.ask(bad)
    assert "\n" not in str(caught.value) and str(caught.value)


def test_the_json_contract(assistant):
    data = assistant.ask("广州2023年计划培养多少名基层医生？").to_json()
    assert {"answer", "found", "citations"} <= set(data) and data["found"] is True
    assert data["intent"] == "figure" and data["items"] == [] and data["not_stated"] == []  # fields added since
    first = data["citations"][0]
    assert {"source", "label", "path", "title", "start", "end", "text", "score"} <= set(first)
    assert first["source"] == GUANGZHOU and first["label"] == "8" and "3500名" in data["answer"]
    scores = [c["score"] for c in data["citations"]]
    assert scores == sorted(scores, reverse=True)


def test_looking_a_clause_up_by_the_label_a_person_types(assistant):
    assert [c.label for c in assistant.lookup(YUNZHOU, "二(二)4")] == ["二（二）4"]
    assert assistant.lookup(GUIZHOU, "（十一）")[0].label == "二（十一）"
    assert assistant.lookup(GUIZHOU, "no such clause") == []


def test_an_english_question_is_searched_with_chinese_words_from_the_dictionary(assistant):
    answer = assistant.ask("What life expectancy did Guangzhou report?")
    assert answer.found and answer.citations[0].source == GUANGZHOU and "83.18岁" in answer.text


@pytest.mark.parametrize("question", ["What is the weather today?", "<script>alert(1)</script>", "今天天气怎么样"])
def test_off_topic_input_finds_nothing(assistant, question):
    assert not assistant.ask(question).found


def test_a_figure_of_something_else_is_not_passed_off_as_the_answer(assistant):
    answer = assistant.ask("贵州八大工程要求每千人口病床数达到多少？")  # the plan sets staffing, not bed, ratios
    assert not answer.found and "病床" in answer.text
    answer = assistant.ask("广州今年要给多少名老年人免费接种肺炎疫苗？")
    assert answer.found and answer.citations[0].clause.label == "12"
