"""Whose plan it is, when its title does not say: among many plans a list of documents names each one's place.

Learnt from blind which-documents questions on the whole collection: the 八大工程 plan (a Guizhou plan whose title names
no place) was listed by its title alone, and a reader could not tell whose it was. Three cases of the rule, and the
answer as staff see it.
"""
from __future__ import annotations

import pytest

from assistant.features import DocumentFeatures, main_place


def features(title: str, text: str, places: tuple[str, ...]) -> DocumentFeatures:
    return DocumentFeatures("0" * 64, text, title, places)


def test_the_place_a_text_names_most_is_shown_when_the_title_names_none():
    text = "为贯彻落实《健康贵州2030》，贵州省…" + "全省推进，贵州" * 6 + "遵义市试点。"
    assert main_place(features("卫生健康服务能力提升八大工程行动计划", text, ("贵州", "遵义"))) == "贵州"


def test_a_title_naming_its_place_needs_no_other():
    text = "木垒县" * 10 + "昌吉州" * 6
    assert main_place(features("木垒县健康中国行动工作落实情况", text, ("昌吉", "木垒"))) is None


def test_no_place_is_claimed_when_none_stands_out():
    text = "广州市" * 6 + "深圳市" * 5
    assert main_place(features("粤港澳大湾区卫生健康合作方案", text, ("广州", "深圳"))) is None
    assert main_place(features("某指导原则", "北京" * 3, ("北京",))) is None  # named too rarely to be its place


def test_a_list_of_documents_says_whose_plan_a_title_without_a_place_is(shared_assistant):
    answer = shared_assistant.ask("哪些文件提到了家庭医生签约？")
    assert "“八大工程”行动计划(2019—2022年)》（贵州）" in answer.text, answer.text
    assert "《木垒县“健康中国”行动工作落实情况》一" in answer.text  # its title says it already


@pytest.mark.parametrize("question", [
    "遵义2022年婴儿死亡率的目标是多少？",
    "遵义市到2022年人均预期寿命要达到多少岁？",
    "遵义的孕产妇死亡率2022年要降到多少？",
])
def test_a_place_the_plan_covers_is_answered_only_by_a_clause_naming_it(shared_assistant, question):
    # the 八大工程 plan is about 贵州 and names 遵义 among its cities: its provincial targets are not 遵义's
    answer = shared_assistant.ask(question)
    assert not answer.found and "遵义" in answer.text


def test_a_clause_naming_the_place_the_plan_covers_still_answers(shared_assistant):
    answer = shared_assistant.ask("遵义的健康旅游示范基地叫什么？")
    assert answer.found and "遵义" in answer.text
